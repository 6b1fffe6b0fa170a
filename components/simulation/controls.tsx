"use client";
/**
 * The player's buttons (the served app only): step one day, play N days at a pace, pause (after
 * the day under way, or at once), start over with a seed. Every job goes through the server's
 * one run queue, so they are off while any job, a simulation or a pipeline run, writes the
 * warehouse.
 */
import { useState, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/skeleton";
import { SIMULATION_LIMITS } from "@/lib/shared/simulation";

export const PACES = [
  { seconds: 0, label: "As fast as possible" },
  { seconds: 10, label: "1 day every 10 s" },
  { seconds: 30, label: "1 day every 30 s" },
  { seconds: 60, label: "1 day a minute" },
] as const;

export interface ControlsState {
  /** A simulation job of this player is running (or queued). */
  playing: boolean;
  /** A pause was asked for; the job stops once the day under way is done. */
  pausing: boolean;
  /** Another job (a pipeline run) holds the warehouse. */
  blocked: boolean;
  /** A request is on its way. */
  sending: boolean;
  /** The seed a new simulation starts with by default. */
  seed: number | null;
}

function Button(props: {
  onClick(): void;
  disabled?: boolean;
  tone?: "primary" | "secondary" | "danger" | "quiet";
  testId: string;
  title?: string;
  children: ReactNode;
}) {
  const tone = props.tone ?? "secondary";
  return (
    <button
      type="button"
      onClick={props.onClick}
      disabled={props.disabled}
      title={props.title}
      data-testid={props.testId}
      className={cn(
        "inline-flex h-8 items-center gap-1.5 rounded-md px-3 text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-50",
        tone === "primary" &&
          "bg-indigo-600 text-white shadow-xs hover:bg-indigo-500 disabled:hover:bg-indigo-600",
        tone === "secondary" &&
          "border border-zinc-200 bg-white text-zinc-800 shadow-xs hover:bg-zinc-50 disabled:hover:bg-white",
        tone === "danger" && "bg-rose-600 text-white shadow-xs hover:bg-rose-500",
        tone === "quiet" && "text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800",
      )}
    >
      {props.children}
    </button>
  );
}

const icon = "h-3.5 w-3.5";

export function Controls(props: {
  state: ControlsState;
  onStep(): void;
  onPlay(days: number, secondsPerDay: number): void;
  onPause(now: boolean): void;
  onReset(seed: number | null): void;
}) {
  const { playing, pausing, blocked, sending } = props.state;
  const [days, setDays] = useState("7");
  const [pace, setPace] = useState<number>(0);
  const [confirmReset, setConfirmReset] = useState(false);
  const [seed, setSeed] = useState(props.state.seed === null ? "" : String(props.state.seed));
  const idle = !playing && !blocked && !sending;
  const dayCount = Number(days);
  const daysValid = Number.isInteger(dayCount) && dayCount >= 1 && dayCount <= SIMULATION_LIMITS.days;
  const seedValue = seed.trim() === "" ? null : Number(seed);
  const seedValid =
    seedValue === null || (Number.isInteger(seedValue) && seedValue >= 0 && seedValue < 2 ** 31);

  return (
    <div className="flex flex-col gap-3" data-testid="controls">
      <div className="flex flex-wrap items-center gap-2">
        <Button testId="step-button" onClick={props.onStep} disabled={!idle} title="Run the next day">
          <svg viewBox="0 0 16 16" className={icon} fill="currentColor" aria-hidden="true">
            <path d="M3.5 3.5v9l6.5-4.5-6.5-4.5z" />
            <rect x="11" y="3.5" width="1.75" height="9" rx="0.5" />
          </svg>
          Step one day
        </Button>
        <span className="mx-1 h-6 w-px bg-zinc-200" aria-hidden="true" />
        <div className="flex items-center gap-1.5">
          <Button
            tone="primary"
            testId="play-button"
            onClick={() => daysValid && props.onPlay(dayCount, pace)}
            disabled={!idle || !daysValid}
            title="Run the next days, one after another"
          >
            <svg viewBox="0 0 16 16" className={icon} fill="currentColor" aria-hidden="true">
              <path d="M4.5 3v10l8-5-8-5z" />
            </svg>
            Play
          </Button>
          <label className="flex items-center gap-1.5 text-sm text-zinc-600">
            <input
              type="number"
              min={1}
              max={SIMULATION_LIMITS.days}
              value={days}
              onChange={(e) => setDays(e.target.value)}
              disabled={!idle}
              aria-label="Days to play"
              aria-invalid={!daysValid}
              data-testid="play-days"
              className={cn(
                "h-8 w-16 rounded-md border bg-white px-2 text-right text-sm tabular-nums shadow-xs disabled:opacity-50",
                daysValid ? "border-zinc-200" : "border-rose-300 ring-1 ring-rose-200",
              )}
            />
            days
          </label>
          <select
            value={pace}
            onChange={(e) => setPace(Number(e.target.value))}
            disabled={!idle}
            aria-label="Pace"
            data-testid="play-pace"
            className="h-8 rounded-md border border-zinc-200 bg-white px-2 text-sm text-zinc-700 shadow-xs disabled:opacity-50"
          >
            {PACES.map((p) => (
              <option key={p.seconds} value={p.seconds}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <span className="mx-1 h-6 w-px bg-zinc-200" aria-hidden="true" />
        <Button
          testId="pause-button"
          onClick={() => props.onPause(false)}
          disabled={!playing || pausing || sending}
          title="Stop once the day under way is done"
        >
          <svg viewBox="0 0 16 16" className={icon} fill="currentColor" aria-hidden="true">
            <rect x="4" y="3.5" width="2.75" height="9" rx="0.75" />
            <rect x="9.25" y="3.5" width="2.75" height="9" rx="0.75" />
          </svg>
          {pausing ? "Pausing…" : "Pause"}
        </Button>
        {playing ? (
          <Button
            tone="quiet"
            testId="stop-button"
            onClick={() => props.onPause(true)}
            disabled={sending}
            title="Stop at once: the day under way is left unfinished and redone by the next step"
          >
            Stop now
          </Button>
        ) : null}
        <div className="ml-auto">
          <Button
            tone="quiet"
            testId="reset-button"
            onClick={() => setConfirmReset((v) => !v)}
            disabled={!idle}
            title="Start a new simulation at day 1"
          >
            <svg viewBox="0 0 16 16" className={icon} fill="none" aria-hidden="true">
              <path
                d="M3 8a5 5 0 1 0 1.6-3.7M3 3v3h3"
                stroke="currentColor"
                strokeWidth="1.6"
                strokeLinecap="round"
                strokeLinejoin="round"
              />
            </svg>
            Start over…
          </Button>
        </div>
      </div>
      {confirmReset && idle ? (
        <div
          className="flex flex-wrap items-center gap-3 rounded-lg border border-rose-200 bg-rose-50/60 px-3 py-2.5 text-sm"
          data-testid="reset-confirm"
        >
          <p className="text-rose-900">
            Start a new simulation at day 1 and run it. The simulated days and the warehouse&apos;s raw data
            are replaced.
          </p>
          <label className="flex items-center gap-1.5 text-rose-900">
            seed
            <input
              type="number"
              min={0}
              value={seed}
              onChange={(e) => setSeed(e.target.value)}
              placeholder="config"
              aria-label="Seed of the new simulation"
              aria-invalid={!seedValid}
              data-testid="reset-seed"
              className="h-8 w-24 rounded-md border border-rose-200 bg-white px-2 text-right text-sm tabular-nums"
            />
          </label>
          <div className="ml-auto flex gap-2">
            <Button tone="quiet" testId="reset-cancel" onClick={() => setConfirmReset(false)}>
              Cancel
            </Button>
            <Button
              tone="danger"
              testId="reset-confirm-button"
              disabled={!seedValid}
              onClick={() => {
                setConfirmReset(false);
                props.onReset(seedValue);
              }}
            >
              Start over at day 1
            </Button>
          </div>
        </div>
      ) : null}
      {sending ? (
        <span className="inline-flex items-center gap-1.5 text-xs text-zinc-500">
          <Spinner className="h-3 w-3" /> Asking the server…
        </span>
      ) : null}
    </div>
  );
}
