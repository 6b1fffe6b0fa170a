"use client";
/**
 * "Run pipeline" in the header: starts a run (POST /api/runs) and opens its live panel. When a
 * run is already active, the panel follows that one. After a successful run the page reloads
 * its server data, so the dashboard shows the new publish. The static export leaves it out.
 */
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { Spinner } from "@/components/ui/skeleton";
import { fetchActiveRun, requestRun, useRunStream, type ApiError } from "@/lib/browser/runs";
import { isFinished, type RunRecord } from "@/lib/shared/runs";
import { Elapsed } from "./elapsed";
import { RunPanel } from "./run-panel";

export function RunButton() {
  const router = useRouter();
  const [runId, setRunId] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [starting, setStarting] = useState(false);
  const [requestError, setRequestError] = useState<ApiError | null>(null);
  const [attachedBecause, setAttachedBecause] = useState<string | null>(null);

  const onDone = useCallback(
    (run: RunRecord) => {
      // New data: reload the page's server data (manifest, first-render figures); the browser's
      // DuckDB then loads the new publish's files.
      if (run.status === "succeeded") router.refresh();
    },
    [router],
  );
  const stream = useRunStream(runId, onDone);
  const active = Boolean(stream.run && !isFinished(stream.run.status) && stream.connection !== "failed");

  // A run may already be going (started in another tab, or from a terminal): follow it.
  useEffect(() => {
    let cancelled = false;
    void fetchActiveRun().then((run) => {
      if (run && !cancelled) setRunId((current) => current ?? run.id);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  async function start() {
    setOpen(true);
    if (active || starting) return;
    setStarting(true);
    setRequestError(null);
    setAttachedBecause(null);
    const result = await requestRun();
    setStarting(false);
    if (result.status === "started") {
      setRunId(result.run.id);
    } else if (result.status === "busy" && result.activeRunId) {
      setAttachedBecause(result.activeRunId);
      setRunId(result.activeRunId);
    } else {
      setRequestError(result.error);
    }
  }

  return (
    <div className="relative">
      <button
        type="button"
        onClick={() => void start()}
        data-testid="run-button"
        data-active={active ? "true" : "false"}
        aria-expanded={open}
        className={
          active
            ? "inline-flex items-center gap-2 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-100"
            : "inline-flex items-center gap-2 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-xs hover:bg-indigo-500 disabled:opacity-60"
        }
        disabled={starting}
      >
        {active ? (
          <>
            <Spinner className="h-3.5 w-3.5 text-indigo-600!" />
            Running
            <Elapsed run={stream.run} className="tabular-nums" />
          </>
        ) : (
          <>
            <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="currentColor" aria-hidden="true">
              <path d="M5 3.5v9l7.5-4.5L5 3.5z" />
            </svg>
            {starting ? "Starting…" : "Run pipeline"}
          </>
        )}
      </button>
      {open ? (
        <RunPanel
          stream={stream}
          starting={starting}
          requestError={requestError}
          attachedBecause={attachedBecause}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </div>
  );
}
