"""
The dbt worker of sbdk: one long-lived Python process that keeps dbt loaded for a job that
runs dbt many times (the day-by-day simulation). It parses the project once (partial parsing
from the target folder's partial_parse.msgpack), then runs every invocation with dbt's
programmatic `dbtRunner` on that parsed manifest, so an invocation pays neither Python's and
dbt's start-up nor a parse; a `--vars` that changes every day costs no re-parse either, since
nothing is parsed again (https://docs.getdbt.com/reference/programmatic-invocations).

Protocol, one JSON object per line:
  argv[1]   JSON list of the arguments every invocation gets (--project-dir, --target-path, ...)
  stdin     {"cmd": "invoke", "id": n, "args": ["build", ...]}  or  {"cmd": "exit"}
  stdout    {"type": "ready", "import_seconds": s, "parse_seconds": s}
            {"type": "event", "id": n | "parse", "line": <dbt's JSON log line as an object>}
            {"type": "result", "id": n, "success": b, "exception": str | null,
             "run_results": <run_results.json as an object> | null, "seconds": s,
             "cpu_seconds": s, "sql_seconds": s}
            {"type": "fatal", "message": str}
Anything dbt or a library prints goes to stderr, so stdout carries only the protocol.

dbt runs with no loggers of its own (Node passes --log-level none --log-level-file none): they
format a line for every event, every query included, and drop most of them only afterwards, which
cost about a tenth of a build. The worker writes the warnings and errors to dbt.log itself.

Environment: SBDK_DBT_WORKER_PLAIN=1 runs dbt without the worker's speed-ups (for the bench's
comparison); SBDK_DBT_WORKER_PROFILE=<folder> writes a cProfile of each invocation there.

The DuckDB file is closed after every invocation: between two invocations the warehouse
belongs to the Node process (one writer per DuckDB file).
"""

import gc
import json
import os
import signal
import sys
import threading
import time
import traceback

# dbt events forwarded to Node (the rest are dropped before serialising: they are many).
FORWARDED_EVENTS = {
    "FoundStats",
    "LogStartLine",
    "LogModelResult",
    "LogTestResult",
    "LogSeedResult",
    "LogSnapshotResult",
    "LogSkipBecauseError",
    "StatsLine",
}


def end_with_parent() -> None:
    """
    A job killed with SIGKILL cannot stop its worker, and a worker left running would go on
    writing the warehouse under the next job. So the worker ends with the process that started
    it: at once on Linux (PR_SET_PDEATHSIG), else within half a second (it polls its parent).
    """
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:  # noqa: BLE001 - not Linux: the poll below does it
        pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="sbdk-parent-watch", daemon=True).start()


def main() -> int:
    end_with_parent()
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(message: dict) -> None:
        protocol.write(json.dumps(message, default=str) + "\n")
        protocol.flush()

    common_args = json.loads(sys.argv[1]) if len(sys.argv) > 1 else []

    started = time.perf_counter()
    try:
        from dbt.artifacts.schemas.run import RunResultsArtifact
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict
    except Exception as exc:  # noqa: BLE001 - reported to Node, which explains what to install
        send({"type": "fatal", "message": f"cannot import dbt: {exc}"})
        return 1
    import_seconds = time.perf_counter() - started
    plain = os.environ.get("SBDK_DBT_WORKER_PLAIN") == "1"
    if not plain:
        reuse_template_code()
    warehouse = WarehouseClock()

    current = {"id": "parse"}
    log_file = warnings_log(common_args)

    def on_event(msg) -> None:
        name = msg.info.name
        problem = msg.info.level in ("warn", "error")
        if name in FORWARDED_EVENTS or problem:
            send({"type": "event", "id": current["id"], "line": msg_to_dict(msg)})
        if problem and log_file is not None:
            log_file.write(f"{msg.info.ts.ToJsonString()} [{msg.info.level:<5}] {msg.info.msg}\n")
            log_file.flush()

    started = time.perf_counter()
    parsed = dbtRunner(callbacks=[on_event]).invoke(["parse", *common_args])
    if not parsed.success:
        message = str(parsed.exception) if parsed.exception else "dbt parse failed"
        send({"type": "fatal", "message": message})
        return 1
    close_duckdb()
    # The parsed project lives as long as the worker: out of the collector's way, a collection
    # no longer walks its objects (about half of the collector's time in a build).
    if not plain:
        gc.collect()
        gc.freeze()
    runner = dbtRunner(manifest=parsed.result, callbacks=[on_event])
    send(
        {
            "type": "ready",
            "import_seconds": import_seconds,
            "parse_seconds": time.perf_counter() - started,
        }
    )

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("cmd") == "exit":
            break
        if request.get("cmd") != "invoke":
            send({"type": "fatal", "message": f"unknown request: {line.strip()}"})
            continue
        current["id"] = request["id"]
        started = time.perf_counter()
        started_cpu = time.process_time()
        warehouse.reset()
        run_results = None
        exception = None
        success = False
        try:
            # The request's options come last, so they win over the session's (e.g. a log level).
            args = request["args"]
            result = profiled(lambda: runner.invoke([*args[:1], *common_args, *args[1:]]), request["id"])
            success = bool(result.success)
            if result.exception is not None:
                exception = "".join(traceback.format_exception_only(result.exception)).strip()
            execution = result.result
            if execution is not None and hasattr(execution, "results"):
                run_results = RunResultsArtifact.from_execution_results(
                    results=execution.results,
                    elapsed_time=execution.elapsed_time,
                    generated_at=execution.generated_at,
                    args=execution.args,
                ).to_dict(omit_none=False)
        except Exception as exc:  # noqa: BLE001 - the invocation failed; Node reports it
            exception = "".join(traceback.format_exception_only(exc)).strip()
        finally:
            close_duckdb()
        send(
            {
                "type": "result",
                "id": request["id"],
                "success": success,
                "exception": exception,
                "run_results": run_results,
                "seconds": time.perf_counter() - started,
                "cpu_seconds": time.process_time() - started_cpu,
                "sql_seconds": warehouse.seconds,
            }
        )
    return 0


# The settings of a Jinja environment its generated code depends on.
CODE_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "finalize",
    "autoescape",
    "is_async",
)


class WarehouseClock:
    """
    The seconds dbt's queries spend in DuckDB in an invocation, summed over dbt's threads: the
    warehouse's share of a build, the rest being dbt's own Python. With more than one dbt thread
    a query's time also holds the wait for Python's lock when DuckDB hands back the result.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()
        try:
            from dbt.adapters.duckdb.environments.local import DuckDBCursorWrapper
        except ImportError:
            return
        execute = DuckDBCursorWrapper.execute
        clock = self

        def timed_execute(cursor, sql, bindings=None):
            started = time.perf_counter()
            try:
                return execute(cursor, sql, bindings)
            finally:
                elapsed = time.perf_counter() - started
                with clock._lock:
                    clock.seconds += elapsed

        DuckDBCursorWrapper.execute = timed_execute

    def reset(self) -> None:
        with self._lock:
            self.seconds = 0.0


def profiled(call, request_id):
    """
    Runs `call`, under cProfile when SBDK_DBT_WORKER_PROFILE names a folder: each invocation's
    profile goes to <folder>/invocation-<id>.prof (read it with `python -m pstats`). cProfile
    sees only the calling thread; py-spy (`py-spy record --pid`) sees dbt's node threads too.
    """
    folder = os.environ.get("SBDK_DBT_WORKER_PROFILE")
    if not folder:
        return call()
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(call)
    finally:
        os.makedirs(folder, exist_ok=True)
        profile.dump_stats(os.path.join(folder, f"invocation-{request_id}.prof"))


def reuse_template_code() -> None:
    """
    dbt renders every node's SQL, and each test's arguments, from a new Jinja template on every
    invocation, and Jinja parses and compiles the template's source to Python each time. The
    source of a node does not change within the worker (the project is parsed once), so the
    worker keeps the compiled code by source: the same code Jinja would compile, bound to the new
    template as before. Rendering, and everything dbt does with the result, is unchanged.
    """
    try:
        import jinja2
    except ImportError:
        return
    compile_source = jinja2.Environment.compile
    compiled: dict = {}

    def compile_once(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not isinstance(source, str):
            return compile_source(self, source, name, filename, raw, defer_init)
        # The generated code depends on the environment's class, extensions and syntax settings.
        key = (
            type(self),
            tuple(sorted(self.extensions)),
            *(getattr(self, setting, None) for setting in CODE_SETTINGS),
            source,
            name,
            filename,
            raw,
            defer_init,
        )
        code = compiled.get(key)
        if code is None:
            code = compile_source(self, source, name, filename, raw, defer_init)
            compiled[key] = code
        return code

    jinja2.Environment.compile = compile_once


def warnings_log(common_args: list):
    """dbt.log in the --log-path of the session (appended to), or None without one."""
    if "--log-path" not in common_args:
        return None
    folder = common_args[common_args.index("--log-path") + 1]
    try:
        os.makedirs(folder, exist_ok=True)
        return open(os.path.join(folder, "dbt.log"), "a", encoding="utf-8")
    except OSError:
        return None


def close_duckdb() -> None:
    """Releases the DuckDB file dbt-duckdb may still hold, so the Node side can write it."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    env = DuckDBConnectionManager._ENV
    if env is not None:
        try:
            env.close()
        finally:
            DuckDBConnectionManager._ENV = None


if __name__ == "__main__":
    sys.exit(main())
