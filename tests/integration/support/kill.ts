/**
 * Fault injection for the integration tests: start `sbdk run --events` as a child, wait for a
 * moment named by a halt point (SBDK_HALT_AT, lib/server/faults.ts) or by the run's own events,
 * and kill it with SIGKILL there, as a crash, an OOM kill or a pulled plug would.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { HALT_MESSAGE } from "@/lib/server/faults";
import type { PipelineEvent } from "@/lib/shared/pipeline-events";
import { REPO } from "../helpers";

export interface Fault {
  /** What the figures call it, e.g. "load (day 3, inside its transaction)". */
  name: string;
  stage: "generate" | "load" | "dbt" | "publish";
  /** Kill when the run halts here (SBDK_HALT_AT), e.g. "load:3". */
  haltAt?: string;
  /** Or kill once dbt has finished this many nodes (models and tests). */
  afterDbtNodes?: number;
}

export interface KilledRun {
  signal: NodeJS.Signals | null;
  events: PipelineEvent[];
  stderr: string;
  /** Stages started and not finished when it was killed. */
  openStages: string[];
  dbtNodesFinished: number;
}

export function runAndKill(args: string[], fault: Fault, timeoutMs = 300_000): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, "bin", "sbdk.mjs"), "run", "--events", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
        ...(fault.haltAt ? { SBDK_HALT_AT: fault.haltAt } : {}),
      },
    });
    const events: PipelineEvent[] = [];
    let stderr = "";
    let dbtNodes = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => {
      kill();
      reject(
        new Error(
          `${fault.name}: the run never reached the fault in ${timeoutMs} ms\n${stderr.slice(-2000)}`,
        ),
      );
    }, timeoutMs);
    createInterface({ input: child.stdout }).on("line", (line) => {
      let value: { type?: string };
      try {
        value = JSON.parse(line) as { type?: string };
      } catch {
        return;
      }
      if (value.type === "run" || value.type === "result") return;
      const event = value as PipelineEvent;
      events.push(event);
      if (event.type === "dbt" && event.event.type === "finished") {
        dbtNodes++;
        if (fault.afterDbtNodes !== undefined && dbtNodes >= fault.afterDbtNodes) kill();
      }
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      stderr += line + "\n";
      if (fault.haltAt && line.startsWith(`${HALT_MESSAGE} ${fault.haltAt} `)) kill();
    });
    child.once("error", reject);
    child.once("close", (_code, signal) => {
      clearTimeout(timer);
      if (!killed) {
        reject(new Error(`${fault.name}: the run ended before the fault (${_code})\n${stderr.slice(-2000)}`));
        return;
      }
      const open = new Set<string>();
      for (const e of events) {
        if (e.type !== "stage") continue;
        if (e.status === "started") open.add(e.stage);
        else open.delete(e.stage);
      }
      resolve({ signal, events, stderr, openStages: [...open], dbtNodesFinished: dbtNodes });
    });
  });
}

/** Processes whose command line mentions `text` (a project folder): what a kill left running. */
export function processesMentioning(text: string): string[] {
  const res = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return res.stdout
    .split("\n")
    .filter((line) => line.includes(text) && !line.includes("ps -eo"))
    .map((line) => line.trim());
}

/** Waits until no process mentions `text`, or gives up after `timeoutMs` and returns what is left. */
export async function waitForNoProcess(text: string, timeoutMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMentioning(text);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
