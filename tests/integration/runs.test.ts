/**
 * Runs started over HTTP, end to end: the route handlers called with real Requests, the real
 * queue starting a real `sbdk run` child (real DuckDB, real dbt), the real history on disk.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getEvents } from "@/app/api/runs/[id]/events/route";
import { GET as getRunRoute } from "@/app/api/runs/[id]/route";
import { GET as listRunsRoute, POST as postRun } from "@/app/api/runs/route";
import { readLock } from "@/lib/server/lock";
import { getRunQueue } from "@/lib/server/runs/queue";
import { RunStore } from "@/lib/server/runs/store";
import { manifestSchema } from "@/lib/shared/manifest";
import { pipelineEventSchema, type PipelineEvent } from "@/lib/shared/pipeline-events";
import { runRecordSchema, type RunRecord } from "@/lib/shared/runs";
import { DBT_PROJECT } from "../dbt-project";
import { REPO, tempProject, type TempProject } from "./helpers";

const SMALL = { seed: 7, users: 300, days: 3, start_date: "2026-03-01" };
const BASE = "http://localhost";
const { models: DBT_MODELS, tests: DBT_TESTS, publishedTables: PUBLISHED } = DBT_PROJECT;

interface SseMessage {
  event: string;
  data: unknown;
}

function parseSse(text: string): SseMessage[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").filter((l) => l && !l.startsWith(":")))
    .filter((lines) => lines.some((l) => l.startsWith("data:")))
    .map((lines) => ({
      event:
        lines
          .find((l) => l.startsWith("event:"))
          ?.slice(6)
          .trim() ?? "message",
      data: JSON.parse(
        lines
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trim())
          .join("\n"),
      ) as unknown,
    }));
}

function post(body: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
  return postRun(
    new Request(`${BASE}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body }),
    }),
  );
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function streamOf(id: string): Promise<{ res: Response; messages: SseMessage[] }> {
  const res = await getEvents(new Request(`${BASE}/api/runs/${id}/events`), params(id));
  return { res, messages: parseSse(await res.text()) };
}

async function waitFor<T>(probe: () => T | null, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function publishedManifestText(project: TempProject): string {
  return readFileSync(join(project.publishPath, "manifest.json"), "utf8");
}

describe("runs from the web app, on a real pipeline", () => {
  let project: TempProject;
  let store: RunStore;
  const savedConfig = process.env.SBDK_CONFIG;

  beforeAll(() => {
    // A copy of the dbt project, so the last test can break a model without touching the repo's.
    project = tempProject(SMALL, { copyDbt: true });
    process.env.SBDK_CONFIG = project.configFile;
    store = new RunStore(join(project.dir, "data", "runs"));
  });

  afterAll(async () => {
    await getRunQueue().idle();
    if (savedConfig === undefined) delete process.env.SBDK_CONFIG;
    else process.env.SBDK_CONFIG = savedConfig;
  });

  it("a bad body gets 400 naming the field and the problem, and starts nothing", async () => {
    const cases: [string, string, string][] = [
      ['{"users": -5}', "users", '"users": expected a positive number of users'],
      [
        '{"start_date": "2026-02-30"}',
        "start_date",
        '"start_date": expected a real calendar date as YYYY-MM-DD',
      ],
      ['{"seed": 7, "colour": "blue"}', "colour", '"colour" is not a run setting'],
      ['{"seed": 7,', "body", "the body is not valid JSON"],
      ["[1, 2]", "body", "expected a JSON object"],
    ];
    for (const [body, field, message] of cases) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      const json = (await res.json()) as {
        error: { code: string; field: string; message: string; hint: string };
      };
      expect(json.error.code, body).toBe("invalid:runs");
      expect(json.error.field, body).toBe(field);
      expect(json.error.message, body).toContain(message);
      expect(json.error.hint, body).toMatch(/JSON object/);
    }
    expect(store.list()).toEqual([]);
    expect(getRunQueue().length).toBe(0);
  });

  it("an unknown or malformed run id is 404", async () => {
    for (const id of ["r-20990101-000000-zzzz", "not-a-run", "..%2F..%2Fetc"]) {
      const res = await getRunRoute(new Request(`${BASE}/api/runs/${id}`), params(id));
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found:runs");
      expect((await getEvents(new Request(`${BASE}/api/runs/${id}/events`), params(id))).status, id).toBe(
        404,
      );
    }
  });

  describe("a run started with POST /api/runs", () => {
    let run: RunRecord;
    let conflict: Response;
    let stream: { res: Response; messages: SseMessage[] };

    beforeAll(async () => {
      const res = await post("{}", { "sec-fetch-site": "same-origin" });
      expect(res.status).toBe(202);
      run = runRecordSchema.parse(((await res.json()) as { run: unknown }).run);
      expect(res.headers.get("location")).toBe(`/api/runs/${run.id}`);
      conflict = await post('{"seed": 8}');
      stream = await streamOf(run.id);
    });

    it("is queued at once, as a browser run with the server's config", () => {
      expect(run).toMatchObject({ kind: "pipeline", trigger: "browser", status: "queued", params: {} });
    });

    it("a second POST while it runs gets 409 with the first run's id", async () => {
      expect(conflict.status).toBe(409);
      const json = (await conflict.json()) as {
        activeRunId: string;
        error: { code: string; message: string };
      };
      expect(json.activeRunId).toBe(run.id);
      expect(json.error.code).toBe("conflict:pipeline");
      expect(json.error.message).toMatch(new RegExp(`^run ${run.id} is (queued|running)`));
    });

    it("streams Server-Sent Events: the record, the stages in order, and done with the final record", () => {
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(stream.res.headers.get("cache-control")).toBe("no-cache, no-transform");
      const { messages } = stream;
      expect(messages[0]!.event).toBe("run");
      expect(messages.at(-1)!.event).toBe("done");
      const stages = messages
        .filter((m) => m.event === "pipeline")
        .map((m) => pipelineEventSchema.parse(m.data))
        .filter((e): e is Extract<PipelineEvent, { type: "stage" }> => e.type === "stage")
        .map((e) => `${e.stage} ${e.status}`);
      expect(stages).toEqual([
        "generate started",
        "load started",
        "generate finished",
        "load finished",
        "dbt started",
        "dbt finished",
        "publish started",
        "publish finished",
      ]);
      const days = messages.filter((m) => m.event === "pipeline" && (m.data as PipelineEvent).type === "day");
      expect(days.map((m) => (m.data as { date: string }).date)).toEqual([
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
      ]);
      const dbtFinished = messages.filter(
        (m) =>
          m.event === "pipeline" &&
          (m.data as PipelineEvent).type === "dbt" &&
          (m.data as { event: { type: string } }).event.type === "finished",
      );
      expect(dbtFinished).toHaveLength(DBT_MODELS + DBT_TESTS);
      expect(
        messages.some((m) => m.event === "log" && /dbt build/.test((m.data as { line: string }).line)),
      ).toBe(true);
    });

    it("ends succeeded, with every stage done and the new publish in its summary", () => {
      const done = runRecordSchema.parse(stream.messages.at(-1)!.data);
      expect(done.status).toBe("succeeded");
      expect(done.exit_code).toBe(0);
      expect(done.error).toBeNull();
      expect(done.progress.map((s) => [s.key, s.status, s.done, s.total])).toEqual([
        ["generate", "succeeded", 3, 3],
        ["load", "succeeded", 3, 3],
        ["models", "succeeded", DBT_MODELS, DBT_MODELS],
        ["tests", "succeeded", DBT_TESTS, DBT_TESTS],
        ["publish", "succeeded", PUBLISHED, PUBLISHED],
      ]);
      const manifest = manifestSchema.parse(JSON.parse(publishedManifestText(project)));
      expect(done.kind).toBe("pipeline");
      const summary = done.kind === "pipeline" ? done.summary : null;
      expect(summary?.publish.generated_at).toBe(manifest.generated_at);
      expect(summary?.publish.version).toBe(manifest.tables[0]!.file.split("/")[0]);
      expect(summary?.tests).toMatchObject({ total: DBT_TESTS, passed: DBT_TESTS, failed: 0 });
      expect(done.settings).toEqual({ seed: 7, users: 300, days: 3, start_date: "2026-03-01", scale: 1 });
    });

    it("is listed first by GET /api/runs, with its duration", async () => {
      const res = await listRunsRoute(new Request(`${BASE}/api/runs`));
      const json = (await res.json()) as { runs: RunRecord[]; active: RunRecord | null };
      expect(json.active).toBeNull();
      const listed = json.runs[0]!;
      expect(listed.id).toBe(run.id);
      expect(listed.status).toBe("succeeded");
      expect(listed.duration_seconds).toBeGreaterThan(1);
      expect(listed.duration_seconds).toBeCloseTo(
        (Date.parse(listed.finished!) - Date.parse(listed.started!)) / 1000,
        2,
      );
    });

    it("GET /api/runs/<id> gives the record and its log", async () => {
      const res = await getRunRoute(new Request(`${BASE}/api/runs/${run.id}`), params(run.id));
      expect(res.status).toBe(200);
      const json = (await res.json()) as { run: RunRecord; log: { text: string; truncated: boolean } };
      expect(json.run.id).toBe(run.id);
      expect(json.log.truncated).toBe(false);
      expect(json.log.text).toContain(`sbdk run ${run.id}: seed 7, 300 users × 1, 3 days from 2026-03-01`);
      expect(json.log.text).toContain("dbt 1.11");
      expect(json.log.text).toMatch(
        new RegExp(`${DBT_MODELS}/${DBT_MODELS} models built · ${DBT_TESTS}/${DBT_TESTS} tests passed`),
      );
      expect(json.log.text).toContain(`published ${PUBLISHED} Parquet files`);
    });

    it("the stream of a finished run replays its events and ends at once", async () => {
      const replay = await streamOf(run.id);
      const live = stream.messages.filter((m) => m.event === "pipeline");
      expect(replay.messages.filter((m) => m.event === "pipeline")).toEqual(live);
      expect(replay.messages.map((m) => m.event).filter((e) => e !== "pipeline")).toEqual(["run", "done"]);
      expect(live).toHaveLength(
        readFileSync(join(store.runDir(run.id), "events.ndjson"), "utf8")
          .trim()
          .split("\n").length,
      );
    });
  });

  it("`sbdk run` in a terminal is recorded, refuses web runs while it holds the warehouse, and can be followed live", async () => {
    const before = new Set(store.list().map((r) => r.id));
    const child = spawn(
      process.execPath,
      [join(REPO, "bin", "sbdk.mjs"), "run", "--config", project.configFile, "--events"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));

    // Once it holds the warehouse, a run asked for over HTTP is refused, naming the terminal's run.
    const run = await waitFor(() => {
      const added = store.list().find((r) => !before.has(r.id));
      return added && readLock(project.duckdbPath) ? added : null;
    });
    expect(run).toMatchObject({ trigger: "cli", status: "running", params: {} });
    const refused = await post("{}");
    expect(refused.status).toBe(409);
    const refusal = (await refused.json()) as { activeRunId: string; error: { message: string } };
    expect(refusal.activeRunId).toBe(run.id);
    expect(refusal.error.message).toMatch(new RegExp(`^a run is in progress \\(${run.id}, started at `));

    // Another process runs it: the stream follows its history files until it ends.
    const { messages } = await streamOf(run.id);
    expect(await exited).toBe(0);
    const done = runRecordSchema.parse(messages.at(-1)!.data);
    expect(done).toMatchObject({ id: run.id, status: "succeeded", exit_code: 0 });
    const streamed = messages.filter((m) => m.event === "pipeline").map((m) => m.data);
    const written = readFileSync(join(store.runDir(run.id), "events.ndjson"), "utf8")
      .trim()
      .split("\n");
    expect(streamed).toEqual(written.map((l) => JSON.parse(l) as unknown));
    expect(messages.some((m) => m.event === "log")).toBe(true);

    // --events: one JSON line per event on stdout, the record first and the result last.
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]).toMatchObject({ type: "run", run: { id: run.id, status: "running" } });
    expect(lines.at(-1)).toMatchObject({
      type: "result",
      status: "succeeded",
      exit_code: 0,
      error: null,
      run: { id: run.id },
    });
    expect(lines.slice(1, -1)).toEqual(written.map((l) => JSON.parse(l) as unknown));
    // What a person reads went to stderr, and into the run's log.
    expect(stderr).toMatch(
      new RegExp(`${DBT_MODELS}/${DBT_MODELS} models built · ${DBT_TESTS}/${DBT_TESTS} tests passed`),
    );
    const log = readFileSync(join(store.runDir(run.id), "log.txt"), "utf8");
    expect(log).toContain(`sbdk run ${run.id}: seed 7, 300 users × 1, 3 days from 2026-03-01`);
    expect(log).toContain(`published ${PUBLISHED} Parquet files`);

    const listed = (await (await listRunsRoute(new Request(`${BASE}/api/runs`))).json()) as {
      runs: RunRecord[];
    };
    expect(listed.runs[0]).toMatchObject({ id: run.id, trigger: "cli", status: "succeeded" });
    const first = listed.runs[0]!;
    expect(first.kind === "pipeline" ? first.summary?.raw_rows : null).toBeGreaterThan(0);
  });

  it("a failed run says why and leaves the last publish as it was", async () => {
    const publishedBefore = publishedManifestText(project);
    writeFileSync(
      join(project.dbtPath, "models", "marts", "fct_orders.sql"),
      'select * from {{ ref("stg_app__orders") }} where no_such_column > 0\n',
    );
    const res = await post("{}");
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: RunRecord };
    const { messages } = await streamOf(run.id);
    const done = runRecordSchema.parse(messages.at(-1)!.data);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({
      code: "failed:dbt",
      message: "dbt build failed: 1 model(s) errored",
      hint: "the last publish is unchanged; fix the model or the data and run again",
    });
    expect(done.error?.details?.[0]).toMatch(/^ERROR model\.sbdk_starter\.fct_orders: .*no_such_column/s);
    expect(done.progress.map((s) => [s.key, s.status])).toEqual([
      ["generate", "succeeded"],
      ["load", "succeeded"],
      ["models", "failed"],
      ["tests", "failed"],
      ["publish", "skipped"],
    ]);
    expect(publishedManifestText(project)).toBe(publishedBefore);
    const log = readFileSync(join(store.runDir(run.id), "log.txt"), "utf8");
    expect(log).toContain("error[failed:dbt]: dbt build failed: 1 model(s) errored");
  });
});
