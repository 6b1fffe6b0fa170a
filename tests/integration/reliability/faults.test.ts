/**
 * Faults: a pipeline run killed with SIGKILL inside each stage (generate, load, dbt, publish),
 * started again after every kill, on real DuckDB and real dbt. After each kill the warehouse
 * holds whole days only, every table it holds equals the uninterrupted run's, the publish is
 * the previous one, whole, and nothing is left running; after the last restart the warehouse
 * and the published Parquet equal an uninterrupted run's, checksum for checksum.
 *
 * A kill inside a simulated day is in ../simulate.test.ts ("resumes after being killed inside
 * a day"); kills inside a backfill's apply are in ./backfill-faults.test.ts.
 */
import { cpSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readLock } from "@/lib/server/lock";
import { RunStore } from "@/lib/server/runs/store";
import { sbdk, tempProject, type TempProject } from "../helpers";
import {
  publishedShas,
  publishProblems,
  rawDayChecksums,
  rowCounts,
  warehouseChecksums,
} from "../support/checksums";
import { runAndKill, waitForNoProcess, type Fault } from "../support/kill";

const SMALL = { seed: 7, users: 300, days: 3, start_date: "2026-03-01" };

/** In the order they are injected, each into a restart of the run the previous one killed. */
const FAULTS: Fault[] = [
  { name: "generate, day 1 (nothing committed yet)", stage: "generate", haltAt: "generate:1" },
  { name: "load, day 1 (inside its transaction)", stage: "load", haltAt: "load:1" },
  { name: "generate, day 3 (days 1–2 committed)", stage: "generate", haltAt: "generate:3" },
  { name: "load, day 3 (inside its transaction)", stage: "load", haltAt: "load:3" },
  // By then the views and their tests are done and the marts are being built.
  { name: "dbt build, after 80 of its nodes", stage: "dbt", afterDbtNodes: 80 },
  {
    name: "publish, every Parquet file written, manifest not yet swapped",
    stage: "publish",
    haltAt: "publish:1",
  },
];

describe("a run killed with SIGKILL in every stage, then started again", () => {
  // A: uninterrupted. B: the same config, killed again and again, then left to finish. B starts
  // with A's publish, as a user's second run would, so "the last publish stays" is checked too.
  let a: TempProject;
  let b: TempProject;
  let aWarehouse: Record<string, string>;
  let aDays: Record<string, string>;
  let aManifestText: string;
  const runArgs = () => ["--config", b.configFile];
  let checks = 0;

  beforeAll(async () => {
    a = tempProject(SMALL);
    const res = sbdk(["run", "--config", a.configFile]);
    expect(res.status, res.stderr).toBe(0);
    aWarehouse = await warehouseChecksums(a.duckdbPath);
    aDays = await rawDayChecksums(a.duckdbPath);
    aManifestText = readFileSync(join(a.publishPath, "manifest.json"), "utf8");
    b = tempProject(SMALL);
    cpSync(a.publishPath, b.publishPath, { recursive: true });
  });

  for (const [i, fault] of FAULTS.entries()) {
    it(`kill -9 during ${fault.name}: consistent, the last publish whole, nothing left running`, async () => {
      const killed = await runAndKill(runArgs(), fault);
      expect(killed.signal).toBe("SIGKILL");
      // It was where the fault says.
      if (fault.haltAt) expect(killed.stderr).toContain(`halted at ${fault.haltAt} `);
      if (fault.stage === "dbt") {
        expect(killed.openStages).toEqual(["dbt"]);
        expect(killed.dbtNodesFinished).toBeGreaterThanOrEqual(fault.afterDbtNodes!);
      } else if (fault.stage === "publish") {
        expect(killed.openStages).toEqual(["publish"]);
      } else {
        expect(killed.openStages.sort()).toEqual(["generate", "load"]);
      }

      // Nothing of the run goes on behind it (its dbt ends with it).
      expect(await waitForNoProcess(b.dir)).toEqual([]);
      checks++;
      // The warehouse is free again, and the history says the run was interrupted.
      expect(readLock(b.duckdbPath)).toBeNull();
      const [record] = new RunStore(join(b.dir, "data", "runs")).list({ limit: 1 });
      expect(record?.status).toBe("interrupted");
      expect(readdirSync(join(b.dir, "data", "runs")).filter((n) => n.startsWith("r-"))).toHaveLength(i + 1);
      checks += 2;

      // The publish is the one before, byte for byte, and whole.
      expect(readFileSync(join(b.publishPath, "manifest.json"), "utf8")).toBe(aManifestText);
      expect(publishProblems(b.publishPath).problems).toEqual([]);
      checks += 2;

      // Whole days only: every day the warehouse holds equals that day of the uninterrupted run.
      const days = await rawDayChecksums(b.duckdbPath);
      const dates = new Set(Object.keys(days).map((k) => k.split("@")[1]));
      expect(days).toEqual(
        Object.fromEntries(Object.entries(aDays).filter(([k]) => dates.has(k.split("@")[1]))),
      );
      // Every other table it holds (dbt's so far) equals the uninterrupted run's: none is half written.
      const tables = await warehouseChecksums(b.duckdbPath);
      const others = Object.keys(tables).filter((k) => !k.startsWith("raw."));
      expect(Object.fromEntries(others.map((k) => [k, tables[k]]))).toEqual(
        Object.fromEntries(others.map((k) => [k, aWarehouse[k]])),
      );
      checks += 2;
      const dbtTables = others.filter((k) => /^(marts|metrics)\./.test(k)).length;
      console.log(
        `fault ${i + 1}/${FAULTS.length}: kill -9 during ${fault.name} → ${dates.size} whole day(s), ` +
          `${dbtTables} dbt table(s), each equal to the uninterrupted run's; the last publish whole`,
      );
    });
  }

  it("started once more, it finishes, and equals the uninterrupted run: no row lost", async () => {
    const res = sbdk(["run", ...runArgs()]);
    expect(res.status, res.stderr).toBe(0);
    const tables = await warehouseChecksums(b.duckdbPath);
    expect(tables).toEqual(aWarehouse);
    const { manifest, problems } = publishProblems(b.publishPath);
    expect(problems).toEqual([]);
    const aManifest = publishProblems(a.publishPath).manifest!;
    expect(publishedShas(manifest!)).toEqual(publishedShas(aManifest));
    expect(manifest!.tables.map((t) => [t.name, t.rows])).toEqual(
      aManifest.tables.map((t) => [t.name, t.rows]),
    );
    // The killed runs' version folders are gone: the new publish and the one before it remain.
    expect(readdirSync(b.publishPath).filter((n) => n.startsWith("v-"))).toHaveLength(2);
    const statuses = new RunStore(join(b.dir, "data", "runs")).list().map((r) => r.status);
    expect(statuses).toEqual(["succeeded", ...FAULTS.map(() => "interrupted")]);
    checks += 5;

    const expected = rowCounts(aWarehouse);
    const got = rowCounts(tables);
    const rowsLost = Object.keys(expected).reduce(
      (sum, k) => sum + Math.max(0, expected[k]! - (got[k] ?? 0)),
      0,
    );
    const rowsExtra = Object.keys(got).reduce((sum, k) => sum + Math.max(0, got[k]! - (expected[k] ?? 0)), 0);
    expect(rowsLost).toBe(0);
    expect(rowsExtra).toBe(0);
    const rows = Object.values(expected).reduce((s, n) => s + n, 0);
    console.log(
      `reliability/faults: ${FAULTS.length} faults injected (kill -9 in ${[...new Set(FAULTS.map((f) => f.stage))].join(", ")}), ` +
        `${checks} consistency checks passed; after restarting, ${Object.keys(tables).length} tables and ` +
        `${manifest!.tables.length} published files equal the uninterrupted run; rows compared ${rows.toLocaleString("en-US")}, rows lost: ${rowsLost}`,
    );
  });

  // Kills inside a backfill's apply are in ./backfill-faults.test.ts (inside a batch, between
  // batches, in the publish) and ../backfills.test.ts ("is finished by the next apply after a
  // kill -9 in the middle").
});
