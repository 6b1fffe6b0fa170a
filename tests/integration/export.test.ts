/**
 * The static export's file handling on real DuckDB and real Parquet: a table over the size
 * limit is split into parts that hold exactly its rows, in order; a destination that is not
 * an earlier export is refused and left alone. (The whole export, with its page build and a
 * static server, is tested end to end in tests/e2e/export.spec.ts.)
 */
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { exportSite, stageTable } from "@/lib/server/export";
import { openWarehouse } from "@/lib/server/warehouse/duckdb";
import { tempProject } from "./helpers";

describe("sbdk export", () => {
  it("splits a table over the limit into parts with every row, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbdk-export-"));
    mkdirSync(join(dir, "publish", "v-1"), { recursive: true });
    const source = join(dir, "publish", "v-1", "fct_sessions.parquet");
    const db = await openWarehouse(":memory:");
    try {
      await db.run(
        `copy (select i as session_id, hash(i)::varchar as note from range(200000) t(i) order by i)
         to '${source}' (format parquet, compression zstd, row_group_size 10000)`,
      );
      const bytes = statSync(source).size;
      const table = {
        name: "fct_sessions",
        layer: "marts" as const,
        file: "v-1/fct_sessions.parquet",
        rows: 200000,
        bytes,
        sha256: createHash("sha256").update(readFileSync(source)).digest("hex"),
        columns: [],
      };
      const staged = await stageTable(table, join(dir, "publish"), join(dir, "stage"), Math.ceil(bytes / 3));
      expect(staged.parts?.map((p) => p.file)).toEqual([
        "v-1/fct_sessions.part-001.parquet",
        "v-1/fct_sessions.part-002.parquet",
        "v-1/fct_sessions.part-003.parquet",
      ]);
      expect(staged.parts?.reduce((a, p) => a + p.rows, 0)).toBe(200000);
      for (const part of staged.parts ?? []) {
        const path = join(dir, "stage", part.file);
        expect(statSync(path).size).toBe(part.bytes);
        expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(part.sha256);
      }
      // Read back part after part: the same rows in the same order.
      const files = (staged.parts ?? []).map((p) => `'${join(dir, "stage", p.file)}'`).join(", ");
      const [check] = await db.query<{ n: number; ordered: boolean; first: number; last: number }>(
        `select count(*)::bigint as n,
                bool_and(session_id = rn - 1) as ordered,
                min(session_id)::bigint as first, max(session_id)::bigint as last
         from (select session_id, row_number() over () as rn from read_parquet([${files}]))`,
      );
      expect(check).toEqual({ n: 200000, ordered: true, first: 0, last: 199999 });
    } finally {
      await db.close();
    }
  });

  it("keeps the parts of a table published a file per day, each file as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbdk-export-"));
    mkdirSync(join(dir, "publish", "v-1", "fct_orders"), { recursive: true });
    const db = await openWarehouse(":memory:");
    const parts = [];
    try {
      for (const day of ["2026-03-01", "2026-03-02"]) {
        const file = `v-1/fct_orders/batch_date=${day}.parquet`;
        const path = join(dir, "publish", file);
        await db.run(
          `copy (select 1 as order_id, date '${day}' as batch_date) to '${path}' (format parquet)`,
        );
        const bytes = readFileSync(path);
        parts.push({
          file,
          rows: 1,
          bytes: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        });
      }
    } finally {
      await db.close();
    }
    const table = {
      name: "fct_orders",
      layer: "marts" as const,
      file: parts[0]!.file,
      rows: 2,
      bytes: parts[0]!.bytes + parts[1]!.bytes,
      sha256: "0".repeat(64),
      columns: [],
      parts,
    };
    // Even a limit smaller than the parts leaves them as they are.
    const staged = await stageTable(table, join(dir, "publish"), join(dir, "stage"), 10);
    expect(staged).toEqual(table);
    for (const part of parts) {
      const bytes = readFileSync(join(dir, "stage", part.file));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(part.sha256);
    }
  });

  it("refuses a destination that holds other files, and leaves it as it was", async () => {
    const project = tempProject({ users: 100, days: 2 });
    const config = loadConfig({ file: project.configFile });
    const out = join(project.dir, "mine");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "keep me");
    await expect(exportSite(config, { out, basePath: "/" })).rejects.toMatchObject({
      code: "invalid:export",
      message: expect.stringMatching(/is not empty and is not an earlier export/),
    });
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });

  it("says what to run when nothing is published, and writes nothing", async () => {
    const project = tempProject({ users: 100, days: 2 });
    const config = loadConfig({ file: project.configFile });
    const out = join(project.dir, "site");
    await expect(exportSite(config, { out, basePath: "/demo" })).rejects.toMatchObject({
      code: "missing:export",
      hint: expect.stringMatching(/npm run pipeline/),
    });
    // Neither the site nor a half-built staging folder.
    expect(readdirSync(project.dir).filter((f) => f.includes("site"))).toEqual([]);
  });
});
