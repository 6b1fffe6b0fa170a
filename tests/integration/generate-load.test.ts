import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSbdkError, type SbdkError } from "@/lib/shared/errors";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { ensureRawSchema, generateAndLoadDay } from "@/lib/server/warehouse/load";
import { RAW_TABLE_NAMES, RAW_TABLES, type RawTable } from "@/lib/server/warehouse/schema";

const SETTINGS = { seed: 42, baseUsers: 10_000, startDate: "2025-12-01" };
const KEY: Record<RawTable, string> = {
  raw_users: "user_id",
  raw_sessions: "session_id",
  raw_prompts: "prompt_id",
  raw_generations: "generation_id",
  raw_events: "event_id",
  raw_orders: "order_id",
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sbdk-generate-load-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function checksums(
  db: Warehouse,
): Promise<Record<RawTable, { rows: number; xor: string; dupes: number }>> {
  const out = {} as Record<RawTable, { rows: number; xor: string; dupes: number }>;
  for (const table of RAW_TABLE_NAMES) {
    const [row] = await db.query<{ rows: number; xor: string; dupes: number }>(
      `SELECT count(*) AS rows, coalesce(bit_xor(hash(t)), 0)::VARCHAR AS xor, count(*) - count(DISTINCT ${KEY[table]}) AS dupes
       FROM raw.${table} AS t`,
    );
    out[table] = row!;
  }
  return out;
}

/** Runs a Node ES module in a child process from the repository root (so packages resolve). */
function node(script: string): ChildProcess {
  return spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: process.cwd(),
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("generate and load into a DuckDB file", () => {
  it("loads days 1–3; re-running day 2 leaves row counts and checksums unchanged", async () => {
    const path = join(dir, "replace.duckdb");
    const db = await openWarehouse(path);
    try {
      await ensureRawSchema(db);
      for (const day of [1, 2, 3]) await generateAndLoadDay(db, SETTINGS, day);
      const before = await checksums(db);
      expect(before.raw_users.rows).toBe(4_418);
      for (const table of RAW_TABLE_NAMES) expect(before[table].dupes, table).toBe(0);

      const stats = await generateAndLoadDay(db, SETTINGS, 2);
      expect(stats.batchDate).toBe("2025-12-02");
      expect(stats.rows.raw_users).toBe(206);
      expect(stats.totalRows).toBe(Object.values(stats.rows).reduce((a, b) => a + b, 0));
      expect(stats.generateMs).toBeGreaterThan(0);
      expect(stats.loadMs).toBeGreaterThan(0);
      expect(await checksums(db)).toEqual(before);
    } finally {
      db.close();
    }
  });

  it("a failed load leaves the day as it was and the other days intact", async () => {
    const path = join(dir, "rollback.duckdb");
    const db = await openWarehouse(path);
    try {
      await ensureRawSchema(db);
      for (const day of [1, 2]) await generateAndLoadDay(db, SETTINGS, day);
      const before = await checksums(db);
      // Make the last table the load writes refuse day 3, so the failure comes after the
      // other tables took their rows.
      const recreate = (check: string) => `
        CREATE TABLE raw.orders_copy AS SELECT * FROM raw.raw_orders;
        DROP TABLE raw.raw_orders;
        CREATE TABLE raw.raw_orders (${RAW_TABLES.raw_orders}${check});
        INSERT INTO raw.raw_orders SELECT * FROM raw.orders_copy;
        DROP TABLE raw.orders_copy;`;
      await db.run(recreate(",\n CHECK (batch_date < DATE '2025-12-03')"));
      const error = await generateAndLoadDay(db, SETTINGS, 3).catch((e: unknown) => e);
      expect(isSbdkError(error)).toBe(true);
      expect((error as SbdkError).code).toBe("failed:load");
      expect((error as SbdkError).message).toContain("2025-12-03");
      await db.run(recreate(""));
      expect(await checksums(db)).toEqual(before);
      // The handle is usable again and the day loads.
      const stats = await generateAndLoadDay(db, SETTINGS, 3);
      expect(stats.rows.raw_users).toBe(212);
    } finally {
      db.close();
    }
  });

  it("a closed handle lets a second process open the file", async () => {
    const path = join(dir, "handoff.duckdb");
    const db = await openWarehouse(path);
    await ensureRawSchema(db);
    await generateAndLoadDay(db, SETTINGS, 1);
    db.close();
    db.close(); // idempotent

    const child = node(`
      import { DuckDBInstance } from "@duckdb/node-api";
      const instance = await DuckDBInstance.create(${JSON.stringify(path)});
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM raw.raw_users");
      console.log(reader.getRows()[0][0]);
      connection.closeSync();
      instance.closeSync();
    `);
    const { code, stdout, stderr } = await output(child);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("4000");
  });

  // Retried: once in three fresh-clone CI runs the open did not see the holder's lock yet
  // (cause not yet understood; see the session notes).
  it(
    "opening a file another process writes gives a conflict:warehouse error naming the file",
    { retry: 2 },
    async () => {
      const path = join(dir, "held.duckdb");
      const holder = node(`
      import { DuckDBInstance } from "@duckdb/node-api";
      const instance = await DuckDBInstance.create(${JSON.stringify(path)});
      await (await instance.connect()).run("CREATE TABLE IF NOT EXISTS t (a INTEGER)");
      console.log("holding");
      process.stdin.on("end", () => process.exit(0));
      process.stdin.resume();
      setTimeout(() => process.exit(0), 60000);
    `);
      const done = output(holder);
      try {
        await new Promise<void>((resolve, reject) => {
          holder.stdout?.on("data", (d: Buffer) => d.toString().includes("holding") && resolve());
          holder.on("close", (code) => reject(new Error(`holder exited early (${code})`)));
        });
        for (const readOnly of [false, true]) {
          const error = await openWarehouse(path, { readOnly }).catch((e: unknown) => e);
          if (!isSbdkError(error) && error && typeof (error as Warehouse).close === "function") {
            (error as Warehouse).close();
          }
          expect(isSbdkError(error), `readOnly=${readOnly}: opened instead of refusing`).toBe(true);
          const sbdk = error as SbdkError;
          expect(sbdk.code).toBe("conflict:warehouse");
          expect(sbdk.message).toContain(path);
          expect(sbdk.message).toContain(String(holder.pid));
          expect(sbdk.format()).not.toMatch(/IO Error|duckdb\.org|at /);
          expect(sbdk.status).toBe(409);
        }
      } finally {
        holder.stdin?.end();
        await done;
      }
    },
  );
});

describe("the warehouse handle", () => {
  let db: Warehouse;
  beforeAll(async () => {
    db = await openWarehouse(join(dir, "handle.duckdb"));
  });
  afterAll(() => db.close());

  it("returns rows as plain objects with JSON-friendly values", async () => {
    const rows = await db.query(
      `SELECT 42::BIGINT AS small, 9007199254740993::BIGINT AS big, 12.50::DECIMAL(10, 2) AS price,
              DATE '2025-12-01' AS day, TIMESTAMP '2025-12-01 08:46:42.5' AS at,
              TIMESTAMP '2025-12-01 08:46:42.123456' AS precise, NULL::VARCHAR AS nothing, true AS yes,
              [1, 2]::BIGINT[] AS list, {'a': DATE '2025-01-02'} AS struct`,
    );
    expect(rows).toEqual([
      {
        small: 42,
        big: "9007199254740993",
        price: 12.5,
        day: "2025-12-01",
        at: "2025-12-01T08:46:42.500Z",
        precise: "2025-12-01T08:46:42.123456Z",
        nothing: null,
        yes: true,
        list: [1, 2],
        struct: { a: "2025-01-02" },
      },
    ]);
  });

  it("binds positional and named parameters", async () => {
    expect(await db.query("SELECT $1::INTEGER + 1 AS n, $2 AS s", [41, "x"])).toEqual([{ n: 42, s: "x" }]);
    expect(await db.query("SELECT $a AS a", { a: "named" })).toEqual([{ a: "named" }]);
  });

  it("appends rows column by column through the appender", async () => {
    await db.run(
      "CREATE OR REPLACE TABLE appended (id BIGINT, name VARCHAR, score DOUBLE, ok BOOLEAN, ts TIMESTAMP)",
    );
    const n = 5_000;
    const appended = await db.appendColumns("main.appended", [
      Array.from({ length: n }, (_, i) => i + 1),
      Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `name ${i}`)),
      Array.from({ length: n }, (_, i) => i / 2),
      Array.from({ length: n }, (_, i) => i % 2 === 0),
      Array.from({ length: n }, (_, i) => new Date(Date.UTC(2025, 11, 1) + i * 1000)),
    ]);
    expect(appended).toBe(n);
    expect(
      await db.query(
        "SELECT count(*) AS n, sum(id) AS ids, count(name) AS names, sum(score) AS score, count(*) FILTER (WHERE ok) AS ok, max(ts) AS last FROM appended",
      ),
    ).toEqual([
      {
        n,
        ids: (n * (n + 1)) / 2,
        names: n - Math.ceil(n / 7),
        score: (n * (n - 1)) / 4,
        ok: n / 2,
        last: "2025-12-01T01:23:19.000Z",
      },
    ]);
  });

  it("refuses writes on a read-only handle", async () => {
    const path = join(dir, "readonly.duckdb");
    const writer = await openWarehouse(path);
    await writer.run("CREATE TABLE t AS SELECT 1 AS a");
    writer.close();
    const reader = await openWarehouse(path, { readOnly: true });
    try {
      expect(reader.readOnly).toBe(true);
      expect(await reader.query("SELECT a FROM t")).toEqual([{ a: 1 }]);
      await expect(reader.run("INSERT INTO t VALUES (2)")).rejects.toThrow(/read-only/i);
    } finally {
      reader.close();
    }
  });
});
