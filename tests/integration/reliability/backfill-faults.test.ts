/**
 * Faults in a backfill: an apply killed with SIGKILL inside a batch's dbt build (its days listed
 * in backfill_days, the mart not yet rebuilt), between a built batch and its log record, and in
 * the publish, started again after every kill, on real DuckDB and real dbt. After each kill
 * every day of the mart is whole (all its rows filled, with the uninterrupted apply's values, or
 * none), the publish is the previous one, whole, nothing is left running and the log says
 * `interrupted`; after the last restart the warehouse and the published Parquet equal an
 * uninterrupted apply's, checksum for checksum.
 */
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { beforeAll, describe, expect, it } from "vitest";
import { readApplies } from "@/lib/server/backfills/log";
import { HALT_MESSAGE } from "@/lib/server/faults";
import { readLock } from "@/lib/server/lock";
import { openWarehouseWaiting } from "@/lib/server/warehouse/duckdb";
import { backfillEventSchema, findBackfill } from "@/lib/shared/backfills";
import { REPO, sbdk, tempProject, type TempProject } from "../helpers";
import { publishedShas, publishProblems, warehouseChecksums } from "../support/checksums";
import { waitForNoProcess } from "../support/kill";

const SMALL = { seed: 7, users: 300, days: 3, start_date: "2026-03-01" };
const BACKFILL = findBackfill("generation_quality_flag");

interface BackfillFault {
  name: string;
  /** Kill when the apply halts here (SBDK_HALT_AT), e.g. "backfill:1". */
  haltAt?: string;
  /** Or kill when a dbt node of this name has finished this many times. */
  afterNode?: { name: string; nth: number };
}

const FAULTS: BackfillFault[] = [
  // Batch 2's build: backfill_days has listed its day, the mart is being rebuilt.
  { name: "batch 2's dbt build, after backfill_days", afterNode: { name: "backfill_days", nth: 2 } },
  { name: "a built batch, before its log record", haltAt: "backfill:1" },
  { name: "the publish, every Parquet file written", haltAt: "publish:1" },
];

function applyAndKill(
  project: TempProject,
  fault: BackfillFault,
): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(REPO, "bin", "sbdk.mjs"),
        "backfill",
        "--metric",
        BACKFILL.name,
        "--batch-days",
        "1",
        "--events",
        "--config",
        project.configFile,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
          ...(fault.haltAt ? { SBDK_HALT_AT: fault.haltAt } : {}),
        },
      },
    );
    let stderr = "";
    let seen = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill("SIGKILL");
    };
    createInterface({ input: child.stdout }).on("line", (line) => {
      const event = backfillEventSchema.safeParse(JSON.parse(line));
      if (!event.success || event.data.type !== "node" || !fault.afterNode) return;
      if (event.data.name === fault.afterNode.name && ++seen === fault.afterNode.nth) kill();
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      stderr += line + "\n";
      if (fault.haltAt && line.startsWith(`${HALT_MESSAGE} ${fault.haltAt} `)) kill();
    });
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (!killed) reject(new Error(`${fault.name}: the apply ended before the fault (${code})\n${stderr}`));
      else resolve({ signal, stderr });
    });
  });
}

/** Per day of the mart: rows, rows with a value, and a hash of (key, value). */
async function dayValues(
  project: TempProject,
): Promise<Map<string, { n: number; filled: number; h: string }>> {
  const db = await openWarehouseWaiting(project.duckdbPath, 5_000, { readOnly: true });
  try {
    const rows = await db.query<{ d: string; n: number; filled: number; h: string }>(
      `select batch_date::varchar as d, count(*)::bigint as n, count(${BACKFILL.column})::bigint as filled,
              bit_xor(hash(${BACKFILL.key}, ${BACKFILL.column}))::varchar as h
       from marts.${BACKFILL.model} group by 1 order by 1`,
    );
    return new Map(rows.map((r) => [r.d, { n: r.n, filled: r.filled, h: r.h }]));
  } finally {
    db.close();
  }
}

/** The warehouse's tables (warehouseChecksums) and the days backfill_days lists. */
async function checksums(project: TempProject): Promise<Record<string, string>> {
  const tables = await warehouseChecksums(project.duckdbPath);
  const db = await openWarehouseWaiting(project.duckdbPath, 5_000, { readOnly: true });
  try {
    const days = await db.query<{ d: string }>(
      `select backfill_name || '@' || batch_date::varchar as d from backfills.backfill_days order by 1`,
    );
    return { ...tables, "backfills.backfill_days": days.map((r) => r.d).join(",") };
  } finally {
    db.close();
  }
}

async function lastApplyStatuses(project: TempProject): Promise<string[]> {
  const db = await openWarehouseWaiting(project.duckdbPath, 5_000, { readOnly: true });
  try {
    return (await readApplies(db, { backfill: BACKFILL.name })).map((a) => a.status);
  } finally {
    db.close();
  }
}

describe("a backfill killed with SIGKILL inside a batch, between batches and in its publish, then applied again", () => {
  // A: applied without a fault. B: the same warehouse, applied, killed again and again, then left to finish.
  let a: TempProject;
  let b: TempProject;
  let aTables: Record<string, string>;
  let aDays: Map<string, { n: number; filled: number; h: string }>;
  let manifestBefore: string;

  beforeAll(async () => {
    a = tempProject(SMALL);
    const sim = sbdk(["simulate", "--days", "3", "--reset", "--config", a.configFile]);
    expect(sim.status, sim.stderr).toBe(0);
    b = tempProject(SMALL);
    mkdirSync(join(b.dir, "data"), { recursive: true });
    copyFileSync(a.duckdbPath, b.duckdbPath);
    cpSync(a.publishPath, b.publishPath, { recursive: true });
    manifestBefore = readFileSync(join(b.publishPath, "manifest.json"), "utf8");
    const applied = sbdk([
      "backfill",
      "--metric",
      BACKFILL.name,
      "--batch-days",
      "1",
      "--config",
      a.configFile,
    ]);
    expect(applied.status, applied.stderr).toBe(0);
    aTables = await checksums(a);
    aDays = await dayValues(a);
  });

  for (const [i, fault] of FAULTS.entries()) {
    it(`kill -9 during ${fault.name}: whole days, the last publish whole, nothing left running`, async () => {
      const killed = await applyAndKill(b, fault);
      expect(killed.signal).toBe("SIGKILL");
      if (fault.haltAt) expect(killed.stderr).toContain(`halted at ${fault.haltAt} `);
      expect(await waitForNoProcess(b.dir)).toEqual([]);
      expect(readLock(b.duckdbPath)).toBeNull();
      expect(await lastApplyStatuses(b)).toEqual(FAULTS.slice(0, i + 1).map(() => "interrupted"));

      // The publish is the one before the apply, byte for byte, and whole.
      expect(readFileSync(join(b.publishPath, "manifest.json"), "utf8")).toBe(manifestBefore);
      expect(publishProblems(b.publishPath).problems).toEqual([]);

      // Every day is whole: every row filled with the uninterrupted apply's value, or none.
      const days = await dayValues(b);
      expect([...days.keys()]).toEqual([...aDays.keys()]);
      for (const [day, d] of days) {
        expect(d.filled === 0 || d.filled === d.n, `${day}: ${d.filled} of ${d.n} rows filled`).toBe(true);
        if (d.filled) expect(d.h, day).toBe(aDays.get(day)!.h);
      }
      // The raw tables are untouched.
      const tables = await warehouseChecksums(b.duckdbPath);
      for (const [k, v] of Object.entries(tables)) if (k.startsWith("raw.")) expect(v, k).toBe(aTables[k]);
      const filled = [...days.values()].filter((d) => d.filled).length;
      console.log(
        `backfill fault ${i + 1}/${FAULTS.length}: kill -9 during ${fault.name} → ${filled} of ${days.size} days filled, each whole`,
      );
    });
  }

  it("applied once more, it finishes, and equals the uninterrupted apply", async () => {
    const res = sbdk(["backfill", "--metric", BACKFILL.name, "--batch-days", "1", "--config", b.configFile]);
    expect(res.status, res.stderr).toBe(0);
    expect(await checksums(b)).toEqual(aTables);
    const { manifest, problems } = publishProblems(b.publishPath);
    expect(problems).toEqual([]);
    expect(publishedShas(manifest!)).toEqual(publishedShas(publishProblems(a.publishPath).manifest!));
    expect(await lastApplyStatuses(b)).toEqual(["succeeded", ...FAULTS.map(() => "interrupted")]);
  });
});
