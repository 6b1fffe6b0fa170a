"use client";
/** A run's stages and log on its page: live while it runs, as recorded once it has ended. */
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef } from "react";
import { Panel } from "@/components/ui/panel";
import { useRunStream } from "@/lib/browser/runs";
import { isFinished, type RunRecord } from "@/lib/shared/runs";
import { RunStages } from "./run-stages";

export function RunLive(props: { run: RunRecord; log: string; logTruncated: boolean }) {
  const router = useRouter();
  const live = !isFinished(props.run.status);
  // Once it ends, the page reloads its record, summary and full log from the server.
  const onDone = useCallback(() => router.refresh(), [router]);
  const stream = useRunStream(live ? props.run.id : null, onDone);
  const following = live && stream.run !== null;
  const progress = following ? stream.progress : props.run.progress;
  const lines = following ? stream.log.join("\n") : props.log;

  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = logRef.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines, following]);

  return (
    <div className="grid items-start gap-5 lg:grid-cols-[26rem_1fr]">
      <Panel title="Stages" description={live ? "Live from the run's events" : "As the run recorded them"}>
        <RunStages progress={progress} />
      </Panel>
      <Panel
        title="Log"
        description={
          live
            ? "What the run prints, as it prints it"
            : props.logTruncated
              ? "The end of what the run printed"
              : "What the run printed"
        }
      >
        <pre
          ref={logRef}
          data-testid="run-log"
          className="max-h-[28rem] overflow-auto rounded-md bg-zinc-950 px-3 py-2.5 font-mono text-[11.5px] leading-5 whitespace-pre-wrap text-zinc-100"
        >
          {lines || (live ? "waiting for output…" : "(the run printed nothing)")}
        </pre>
      </Panel>
    </div>
  );
}
