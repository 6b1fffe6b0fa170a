/**
 * What the quality page must show, read straight from the published files of the e2e run:
 * manifest.json and the dbt_test_results Parquet (through Node's DuckDB), not through the
 * page's own loader.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PublishManifest } from "../../../lib/shared/manifest";
import { E2E_PUBLISH } from "./env";

export interface PublishedTest {
  unique_id: string;
  test_name: string;
  test_type: string;
  status: string;
  failures: number | null;
  model: string | null;
  column_name: string | null;
  message: string | null;
  failing_rows_json: string | null;
}

export function publishedManifest(): PublishManifest {
  return JSON.parse(readFileSync(join(E2E_PUBLISH, "manifest.json"), "utf8")) as PublishManifest;
}

export async function publishedTests(): Promise<PublishedTest[]> {
  const manifest = publishedManifest();
  const table = manifest.tables.find((t) => t.name === "dbt_test_results");
  if (!table) throw new Error("the e2e publish has no dbt_test_results");
  const instance = await DuckDBInstance.create(":memory:");
  try {
    const conn = await instance.connect();
    const file = join(E2E_PUBLISH, table.file).replace(/'/g, "''");
    const reader = await conn.runAndReadAll(
      `select unique_id, test_name, test_type, status, failures::double as failures, model, column_name,
              message, failing_rows_json
       from read_parquet('${file}') order by unique_id`,
    );
    return reader.getRowObjectsJS() as unknown as PublishedTest[];
  } finally {
    instance.closeSync();
  }
}

/** The models a set of models reads from, themselves included (the trust badge's scope). */
export function withUpstream(models: readonly string[], manifest: PublishManifest): string[] {
  const byName = new Map(manifest.lineage.map((n) => [n.name, n]));
  const byId = new Map(manifest.lineage.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const stack = [...models];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const dep of byName.get(name)?.depends_on ?? []) {
      const node = byId.get(dep);
      if (node?.resource_type === "model") stack.push(node.name);
    }
  }
  return [...seen].sort();
}
