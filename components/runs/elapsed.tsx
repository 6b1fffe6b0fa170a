"use client";
import { useEffect, useState } from "react";
import { runElapsedSeconds, type RunRecord } from "@/lib/shared/runs";
import { formatDuration } from "./format";

/** How long a run has taken, ticking every second while it runs. */
export function Elapsed(props: { run: Pick<RunRecord, "started" | "finished"> | null; className?: string }) {
  const [now, setNow] = useState(() => Date.now());
  const running = Boolean(props.run?.started && !props.run.finished);
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const seconds = props.run ? runElapsedSeconds(props.run, new Date(now)) : null;
  return (
    <span className={props.className} data-testid="run-elapsed" suppressHydrationWarning>
      {seconds === null ? "–" : formatDuration(seconds)}
    </span>
  );
}
