/**
 * Checksums of a warehouse and of a publish, to compare one run with another (determinism,
 * resuming after a kill) and to prove that something changed nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { openWarehouseWaiting } from "@/lib/server/warehouse/duckdb";
import { RAW_TABLE_NAMES } from "@/lib/server/warehouse/schema";
import { manifestSchema, type PublishManifest } from "@/lib/shared/manifest";
import { simulationManifestSchema } from "@/lib/shared/simulation";

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Per table of the warehouse (raw, marts, metrics and the simulation's day summaries): row
 * count and an order-independent hash of the rows, doubles rounded to 6 decimals (parallel
 * sums differ in the last bits between equal runs). Timings and dbt's stored test failures are
 * left out. Waits a few seconds for a killed job's file handles to go.
 */
export async function warehouseChecksums(duckdbPath: string): Promise<Record<string, string>> {
  const db = await openWarehouseWaiting(duckdbPath, 5_000, { readOnly: true });
  try {
    const tables = await db.query<{ schema: string; name: string }>(`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_schema in ('raw', 'marts', 'metrics', 'simulation') and table_type = 'BASE TABLE'
        and table_name <> 'state'
      order by all`);
    const out: Record<string, string> = {};
    for (const { schema, name } of tables) {
      const columns = await db.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns
         where table_schema = '${schema}' and table_name = '${name}' order by ordinal_position`,
      );
      const select = columns
        .filter((c) => !/_seconds$|^recorded_at$/.test(c.column_name))
        .map((c) => (c.data_type === "DOUBLE" ? `round("${c.column_name}", 6)` : `"${c.column_name}"`))
        .join(", ");
      const [row] = await db.query<{ n: number; h: string }>(
        `select count(*)::bigint as n, coalesce(bit_xor(hash(r)), 0)::varchar as h
         from (select ${select} from "${schema}"."${name}") as r`,
      );
      out[`${schema}.${name}`] = `${row?.n}:${row?.h}`;
    }
    return out;
  } finally {
    db.close();
  }
}

/** Rows per table from warehouseChecksums' values ("<rows>:<hash>"). */
export function rowCounts(checksums: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(checksums).map(([k, v]) => [k, Number(v.split(":")[0])]));
}

/**
 * Per raw table and batch_date: row count and hash (`raw_users@2026-03-01` → "240:…"), so a
 * warehouse holding some of the days can be compared day by day with one holding all of them.
 */
export async function rawDayChecksums(duckdbPath: string): Promise<Record<string, string>> {
  const db = await openWarehouseWaiting(duckdbPath, 5_000, { readOnly: true });
  try {
    const out: Record<string, string> = {};
    const [exists] = await db.query<{ n: number }>(
      "select count(*)::integer as n from information_schema.schemata where schema_name = 'raw'",
    );
    if (!exists?.n) return out;
    for (const t of RAW_TABLE_NAMES) {
      const rows = await db.query<{ d: string; n: number; h: string }>(
        `select batch_date::varchar as d, count(*)::bigint as n, bit_xor(hash(r))::varchar as h
         from raw.${t} as r group by batch_date order by 1`,
      );
      for (const r of rows) out[`${t}@${r.d}`] = `${r.n}:${r.h}`;
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Whether a publish folder is whole: manifest.json (if any) parses, and every file it and
 * simulation.json list exists with the size and sha256 they give. Returns the problems found.
 */
export function publishProblems(publishPath: string): {
  manifest: PublishManifest | null;
  problems: string[];
} {
  const problems: string[] = [];
  const manifestFile = join(publishPath, "manifest.json");
  let manifest: PublishManifest | null = null;
  if (existsSync(manifestFile)) {
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(manifestFile, "utf8")));
    if (!parsed.success) problems.push("manifest.json does not match its schema");
    else manifest = parsed.data;
  }
  const check = (file: string, bytes: number, sha: string) => {
    const path = join(publishPath, file);
    if (!existsSync(path)) return problems.push(`${file} is listed but missing`);
    if (statSync(path).size !== bytes)
      problems.push(`${file} has ${statSync(path).size} bytes, listed ${bytes}`);
    else if (sha256(path) !== sha) problems.push(`${file} does not match its sha256`);
  };
  for (const t of manifest?.tables ?? []) {
    if (t.parts) for (const p of t.parts) check(p.file, p.bytes, p.sha256);
    else check(t.file, t.bytes, t.sha256);
  }
  const simulationFile = join(publishPath, "simulation.json");
  if (existsSync(simulationFile)) {
    const sim = simulationManifestSchema.safeParse(JSON.parse(readFileSync(simulationFile, "utf8")));
    if (!sim.success) problems.push("simulation.json does not match its schema");
    else for (const day of sim.data.days) for (const f of day.files) check(f.file, f.bytes, f.sha256);
  }
  return { manifest, problems };
}

/** sha256 of each published data file by table name (the test results, which hold timings, left out). */
export function publishedShas(manifest: PublishManifest): Record<string, string> {
  return Object.fromEntries(
    manifest.tables.filter((t) => t.layer !== "quality").map((t) => [t.name, t.sha256]),
  );
}

/** sha256 of every file under a folder, by path relative to it; `skip` leaves files out. */
export function treeDigest(
  dir: string,
  skip: (rel: string) => boolean = () => false,
): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      const rel = relative(dir, path);
      if (skip(rel)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out[rel] = sha256(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
