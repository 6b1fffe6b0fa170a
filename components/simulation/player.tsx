"use client";
/**
 * The simulation player. In the served app ("live"): the buttons, the day under way stage by
 * stage (Server-Sent Events of the job), and the timeline growing as days finish. On the
 * static site ("replay"): the same timeline and dashboards, read-only, from the exported files.
 * Either way, picking a day shows that day's summary and the dashboard as it stood that day.
 */
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { ErrorBox } from "@/components/runs/run-panel";
import { Elapsed } from "@/components/runs/elapsed";
import { cn } from "@/components/ui/cn";
import { requestPause, requestSimulation, useRunStream, type ApiError } from "@/lib/browser/runs";
import {
  dayFromUrl,
  fetchPublishedSimulation,
  fetchSimulationStatus,
  writeDayToUrl,
} from "@/lib/browser/simulation";
import { EMPTY_FILTERS } from "@/lib/shared/dashboard/filters";
import { formatDayLong, formatInteger } from "@/lib/shared/dashboard/format";
import { RUN_STAGES, isFinished, type RunRecord } from "@/lib/shared/runs";
import {
  describeSimulationJob,
  formatDayRange,
  simulationDate,
  type SimulationManifest,
  type SimulationPageData,
  type SimulationRequest,
} from "@/lib/shared/simulation";
import { Controls } from "./controls";
import { DayDashboard, type InitialDay } from "./day-dashboard";
import { DayStages } from "./day-stages";
import { DaySummaryTiles } from "./day-summary";
import { DaysTable } from "./days-table";
import { Timeline } from "./timeline";

/** How often an idle player asks the server whether a job started elsewhere. */
const POLL_MS = 4000;

/** Nothing rendered by the server (the page opened before the first day): every day loads in the browser. */
const NO_INITIAL_DAY: InitialDay = { day: 0, manifest: null, views: null, filters: EMPTY_FILTERS };

function Card(props: {
  title?: string;
  description?: string;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  className?: string;
}) {
  return (
    <section
      className={cn("rounded-xl border border-zinc-200 bg-white px-5 py-4 shadow-xs", props.className)}
      data-testid={props.testId}
    >
      {props.title ? (
        <header className="mb-3 flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 className="text-sm font-semibold text-zinc-900">{props.title}</h2>
            {props.description ? <p className="mt-0.5 text-xs text-zinc-500">{props.description}</p> : null}
          </div>
          {props.actions}
        </header>
      ) : null}
      {props.children}
    </section>
  );
}

function Countdown(props: { until: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return <span className="tabular-nums">{Math.max(0, Math.ceil((props.until - now) / 1000))} s</span>;
}

export function SimulationPlayer(props: { data: SimulationPageData; mode: "live" | "replay" }) {
  const { data, mode } = props;
  const live = mode === "live";
  const ready = data.status === "ready" ? data : null;
  const [simulation, setSimulation] = useState<SimulationManifest | null>(ready?.simulation ?? null);
  const [current, setCurrent] = useState(ready?.current ?? false);
  const [selected, setSelected] = useState<number | null>(ready?.day ?? null);
  // The selection follows the newest day until a person picks another one.
  const [follow, setFollow] = useState(() => !ready || ready.day === ready.simulation.days.at(-1)?.day);
  const [active, setActive] = useState<RunRecord | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [lastJob, setLastJob] = useState<RunRecord | null>(null);
  const [sending, setSending] = useState(false);
  const [requestError, setRequestError] = useState<{ lead: string; error: ApiError } | null>(null);
  const initial = useRef<InitialDay | null>(
    ready
      ? { day: ready.day, manifest: ready.dayManifest, views: ready.views, filters: ready.filters }
      : null,
  );

  const days = useMemo(() => simulation?.days ?? [], [simulation]);
  const lastDay = days.at(-1)?.day ?? null;

  const refresh = useCallback(async () => {
    if (!live) {
      const published = await fetchPublishedSimulation();
      if (published) setSimulation(published);
      return;
    }
    const status = await fetchSimulationStatus();
    if (!status) return;
    setSimulation(status.simulation);
    setCurrent(status.current);
    setActive(status.active);
    if (status.active && !isFinished(status.active.status) && status.active.kind === "simulation") {
      setJobId((id) => id ?? status.active!.id);
    }
  }, [live]);

  const onDone = useCallback(
    (run: RunRecord) => {
      setLastJob(run);
      setJobId(null);
      void refresh();
    },
    [refresh],
  );
  const stream = useRunStream(live ? jobId : null, onDone);
  const job =
    stream.run && stream.run.kind === "simulation" && !isFinished(stream.run.status) ? stream : null;

  // A finished day: read simulation.json again for its snapshot.
  const daysDone = stream.days.length;
  useEffect(() => {
    if (daysDone > 0) void refresh();
  }, [daysDone, refresh]);

  // Idle: look now and then whether a job started elsewhere (another tab, a terminal).
  useEffect(() => {
    if (!live || jobId) return;
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [live, jobId, refresh]);

  // A link's day (the static page is rendered without the query string).
  useEffect(() => {
    const day = dayFromUrl();
    if (day !== null && simulation?.days.some((d) => d.day === day)) {
      setSelected(day);
      setFollow(day === simulation.days.at(-1)?.day);
    }
    // Once, when the page mounts: later the player sets the day itself.
  }, []);

  // Following: the newest day; else keep the day picked, or the nearest one that still exists.
  // Not on mount: the day rendered first is the one to show, or the link's (the effect above).
  const mounted = useRef(false);
  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    if (lastDay === null) {
      setSelected(null);
      return;
    }
    setSelected((day) => {
      if (follow || day === null) return lastDay;
      return days.some((d) => d.day === day) ? day : lastDay;
    });
  }, [days, lastDay, follow]);

  const select = useCallback(
    (day: number) => {
      setSelected(day);
      const latest = day === lastDay;
      setFollow(latest);
      writeDayToUrl(latest ? null : day);
    },
    [lastDay],
  );

  async function send(request: SimulationRequest, lead: string) {
    setSending(true);
    setRequestError(null);
    const result = await requestSimulation(request);
    setSending(false);
    if (result.status === "started") {
      setFollow(true);
      writeDayToUrl(null);
      setLastJob(null);
      setJobId(result.run.id);
    } else if (result.status === "busy") {
      setRequestError({ lead: `${lead} was refused: another job is running.`, error: result.error });
      if (result.activeRunId && result.activeKind === "simulation") setJobId(result.activeRunId);
      void refresh();
    } else {
      setRequestError({ lead: `${lead} failed.`, error: result.error });
    }
  }

  async function pause(now: boolean) {
    setSending(true);
    const result = await requestPause(now);
    setSending(false);
    if (!result.ok)
      setRequestError({ lead: now ? "Stopping failed." : "Pausing failed.", error: result.error });
  }

  const entry = days.find((d) => d.day === selected) ?? null;
  const previous = entry ? (days.find((d) => d.day === entry.day - 1)?.summary ?? null) : null;
  const blockedBy = active && !isFinished(active.status) && active.kind === "pipeline" ? active : null;
  const playing = Boolean(job);
  const nextDay = current && lastDay !== null ? lastDay + 1 : 1;
  const runningDay = job?.simulation.day ?? null;
  const dayUnderWay =
    job && runningDay !== null && !stream.days.some((d) => d.day === runningDay) ? runningDay : null;
  const runningStage = job?.progress.find((s) => s.status === "running");
  const stageLabel = RUN_STAGES.find((s) => s.key === runningStage?.key)?.label ?? "starting";

  return (
    <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6" data-testid="simulation-page" data-mode={mode}>
      <div className="flex flex-wrap items-end justify-between gap-3 pt-6 pb-4">
        <div>
          <h1 className="flex items-center gap-2 text-xl font-semibold tracking-tight text-zinc-900">
            Simulation
            {!live ? (
              <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-[11px] font-medium text-zinc-600 ring-1 ring-zinc-200">
                read-only replay
              </span>
            ) : null}
          </h1>
          <p className="mt-1 text-sm text-zinc-500" data-testid="simulation-facts">
            {simulation ? (
              <>
                <span className="font-mono text-[13px]">{simulation.simulation_id}</span> · seed{" "}
                {simulation.seed} · base {formatInteger(simulation.base_users)} users · from{" "}
                {formatDayLong(simulation.start_date)} · {formatInteger(days.length)} day
                {days.length === 1 ? "" : "s"} simulated
              </>
            ) : live ? (
              "The pipeline as daily batches: each day is generated, loaded, built and tested by dbt, and published."
            ) : (
              "This export holds no simulation."
            )}
          </p>
        </div>
      </div>

      <div className="flex flex-col gap-5">
        {live ? (
          <Card testId="player-controls">
            <Controls
              state={{
                playing: playing,
                pausing: Boolean(job?.simulation.pause_requested),
                blocked: Boolean(blockedBy),
                sending,
                seed: simulation?.seed ?? null,
              }}
              onStep={() => void send({ action: "step" }, "Step")}
              onPlay={(n, seconds) =>
                void send({ action: "play", days: n, seconds_per_day: seconds }, "Play")
              }
              onPause={(now) => void pause(now)}
              onReset={(seed) =>
                void send({ action: "reset", ...(seed !== null ? { seed } : {}) }, "Start over")
              }
            />
            <div
              className="mt-3 border-t border-zinc-100 pt-3 text-sm"
              data-testid="player-status"
              data-state={job ? "playing" : blockedBy ? "blocked" : "idle"}
            >
              {job && job.run ? (
                <div className="flex flex-col gap-3">
                  <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-zinc-700">
                    <span
                      className="inline-flex h-2 w-2 animate-pulse rounded-full bg-indigo-500"
                      aria-hidden="true"
                    />
                    <span className="font-medium text-zinc-900">
                      {job.run.kind === "simulation" ? describeSimulationJob(job.run.params) : "simulation"}
                    </span>
                    {job.simulation.from_day !== null && job.simulation.to_day !== null ? (
                      <span className="text-zinc-500" data-testid="job-days">
                        · {formatDayRange(job.simulation.from_day, job.simulation.to_day)} ·{" "}
                        {job.simulation.days_done} of {job.simulation.to_day - job.simulation.from_day + 1}{" "}
                        done
                      </span>
                    ) : null}
                    <Elapsed run={job.run} className="text-xs text-zinc-400 tabular-nums" />
                    <Link
                      href={`/runs/${job.run.id}`}
                      className="text-xs font-medium text-indigo-700 hover:underline"
                    >
                      {job.run.id}
                    </Link>
                    {job.simulation.pause_requested ? (
                      <span
                        className="rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-800 ring-1 ring-amber-200"
                        data-testid="pausing"
                      >
                        pausing after day {job.simulation.day ?? "…"}
                      </span>
                    ) : null}
                  </p>
                  {stream.waiting && dayUnderWay === null ? (
                    <p className="text-xs text-zinc-500" data-testid="player-waiting">
                      Day {stream.waiting.day} starts in <Countdown until={stream.waiting.until} />
                    </p>
                  ) : (
                    <div data-testid="day-under-way" data-day={runningDay ?? ""}>
                      <p className="mb-2 text-xs font-medium text-zinc-500">
                        {runningDay !== null
                          ? `Day ${runningDay}${job.simulation.date ? ` · ${formatDayLong(job.simulation.date)}` : ""}`
                          : (stream.log.at(-1) ?? "starting dbt…")}
                      </p>
                      <DayStages progress={job.progress} />
                    </div>
                  )}
                </div>
              ) : blockedBy ? (
                <p className="text-amber-800" data-testid="player-blocked">
                  A pipeline run (
                  <Link className="font-mono underline" href={`/runs/${blockedBy.id}`}>
                    {blockedBy.id}
                  </Link>
                  ) is writing the warehouse; the simulation waits until it has finished.
                </p>
              ) : (
                <p className="text-zinc-600">
                  {simulation && current
                    ? `Ready: the next step runs day ${nextDay} (${formatDayLong(simulationDate(simulation.start_date, nextDay))}).`
                    : simulation
                      ? "Something was published after this simulation (a pipeline run, which also ends the simulation in the warehouse): the replay below still works, and the next step starts a new simulation at day 1."
                      : "No simulation yet: Step or Play starts one at day 1, with the config's seed."}
                  {lastJob?.kind === "simulation" && lastJob.summary?.paused ? (
                    <span className="ml-1 text-amber-800" data-testid="last-job-paused">
                      Paused after day {lastJob.summary.days.at(-1)?.day ?? "–"}.
                    </span>
                  ) : null}
                  {lastJob &&
                  (lastJob.status === "failed" || lastJob.status === "interrupted") &&
                  lastJob.error ? (
                    <span className="ml-1 text-rose-700" data-testid="last-job-error">
                      The last job {lastJob.status === "interrupted" ? "was stopped" : "failed"}:{" "}
                      {lastJob.error.message}
                    </span>
                  ) : null}
                </p>
              )}
              {requestError ? (
                <div className="mt-3" data-testid="player-error">
                  <ErrorBox error={requestError.error} lead={requestError.lead} />
                </div>
              ) : null}
            </div>
          </Card>
        ) : null}

        {simulation && days.length ? (
          <Card
            testId="timeline-card"
            title="Days"
            description="Generations per day; the colour is how the day's dbt tests went. Pick a day to see the dashboard as it stood then."
            actions={
              <div className="flex items-center gap-3 text-[11px] text-zinc-500">
                {(
                  [
                    ["bg-indigo-400", "passed"],
                    ["bg-amber-400", "warned"],
                    ["bg-rose-400", "failed"],
                    ["bg-zinc-300", "not tested"],
                  ] as const
                ).map(([color, label]) => (
                  <span key={label} className="inline-flex items-center gap-1">
                    <span className={cn("h-2 w-2 rounded-sm", color)} />
                    {label}
                  </span>
                ))}
              </div>
            }
          >
            <Timeline
              days={days}
              selected={selected}
              onSelect={select}
              pending={dayUnderWay !== null ? { day: dayUnderWay, label: stageLabel } : null}
            />
            <div className="mt-3 flex items-center gap-3">
              <button
                type="button"
                onClick={() => selected !== null && select(Math.max(days[0]!.day, selected - 1))}
                disabled={selected === null || selected <= days[0]!.day}
                className="rounded-md border border-zinc-200 px-2 py-1 text-xs text-zinc-600 hover:bg-zinc-50 disabled:opacity-40"
                aria-label="Day before"
                data-testid="day-prev"
              >
                ←
              </button>
              <input
                type="range"
                min={days[0]!.day}
                max={lastDay ?? 1}
                step={1}
                value={selected ?? lastDay ?? 1}
                onChange={(e) => select(Number(e.target.value))}
                aria-label="Day"
                data-testid="day-scrubber"
                className="flex-1 accent-indigo-600"
                disabled={days.length < 2}
              />
              <button
                type="button"
                onClick={() =>
                  selected !== null && lastDay !== null && select(Math.min(lastDay, selected + 1))
                }
                disabled={selected === null || selected === lastDay}
                className="rounded-md border border-zinc-200 px-2 py-1 text-xs text-zinc-600 hover:bg-zinc-50 disabled:opacity-40"
                aria-label="Day after"
                data-testid="day-next"
              >
                →
              </button>
              <button
                type="button"
                onClick={() => lastDay !== null && select(lastDay)}
                disabled={follow}
                className="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:text-zinc-400 disabled:hover:bg-transparent"
                data-testid="day-latest"
              >
                {follow ? "Following the latest day" : "Go to the latest day"}
              </button>
            </div>
          </Card>
        ) : null}

        {entry ? (
          <>
            <div
              className="flex flex-wrap items-baseline justify-between gap-2"
              data-testid="selected-day"
              data-day={entry.day}
            >
              <h2 className="text-base font-semibold tracking-tight text-zinc-900">
                Day {entry.day}{" "}
                <span className="font-normal text-zinc-500">· {formatDayLong(entry.date)}</span>
              </h2>
              <p className="text-xs text-zinc-500">
                {entry.day === lastDay
                  ? "The latest simulated day"
                  : `${(lastDay ?? entry.day) - entry.day} day${(lastDay ?? entry.day) - entry.day === 1 ? "" : "s"} before the latest`}
                : what the day itself did.
              </p>
            </div>
            <DaySummaryTiles summary={entry.summary} previous={previous} />
            <div className="mt-3 border-t border-zinc-200 pt-5">
              <h2 className="text-base font-semibold tracking-tight text-zinc-900">
                The dashboard on day {entry.day}
              </h2>
              <p className="mt-0.5 text-sm text-zinc-500">
                Every day up to {formatDayLong(entry.date)}, as dbt built, tested and published it that day:
                the overview&apos;s own views and queries, over the day&apos;s snapshot.
              </p>
            </div>
            <DayDashboard entry={entry} initial={initial.current ?? NO_INITIAL_DAY} />
            <Card
              title="Every day"
              description="The summary of each day, newest first. A row opens its day."
              testId="days-card"
            >
              <DaysTable days={days} selected={selected} onSelect={select} />
            </Card>
          </>
        ) : live ? null : (
          <Card>
            <p className="py-6 text-center text-sm text-zinc-500" data-testid="replay-empty">
              Nothing to replay: run{" "}
              <code className="font-mono text-[13px]">npx sbdk simulate --days 30</code>, then export again.
            </p>
          </Card>
        )}
      </div>
    </main>
  );
}
