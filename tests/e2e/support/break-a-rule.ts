/**
 * Gives the end-to-end data one failing dbt test, so the quality page has failing rows to
 * show: after the pipeline has published, one generation of the last day is deleted from the
 * raw table, dbt builds again and the result is published. Its prompt is then left without an
 * answer, which the integrity test `assert_no_orphan_prompts` (on dim_prompts) reports with
 * that prompt as its failing row. No model reads dim_prompts and no chart of the dashboard
 * reads it, so the dashboard's figures still equal the marts and its trust badges stay green.
 *
 *   node bin/run-ts.mjs tests/e2e/support/break-a-rule.ts <sbdk_config.json> <out.json>
 * Writes what it broke to <out.json> (see BrokenRule).
 */
import { writeFileSync } from "node:fs";
import { loadConfig } from "@/lib/server/config";
import { readManifest, readRunResults } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs, runDbt } from "@/lib/server/dbt/runner";
import { acquireLock } from "@/lib/server/lock";
import { publish } from "@/lib/server/publish";
import { openWarehouse } from "@/lib/server/warehouse/duckdb";
import { BROKEN_RULE, type BrokenRule } from "./broken-rule";

const [configFile, out] = process.argv.slice(2);
if (!configFile || !out) throw new Error("usage: break-a-rule.ts <sbdk_config.json> <out.json>");
const config = loadConfig({ file: configFile, env: {} });
const lock = acquireLock(config.duckdb_path, "e2e: break a rule");
try {
  const db = await openWarehouse(config.duckdb_path);
  let removed: { generation_id: number; prompt_id: number };
  try {
    const [row] = await db.query<{ generation_id: number; prompt_id: number }>(
      `select generation_id::bigint as generation_id, prompt_id::bigint as prompt_id from raw.raw_generations
       where batch_date = (select max(batch_date) from raw.raw_generations)
       order by generation_id limit 1`,
    );
    if (!row) throw new Error("no generation to remove: did the pipeline run?");
    removed = row;
    await db.run(`delete from raw.raw_generations where generation_id = ${row.generation_id}`);
  } finally {
    db.close();
  }

  const build = await runDbt({ config, args: ["build"] });
  const { targetPath } = dbtStateDirs(config);
  const runResults = await readRunResults(targetPath);
  // The set-up checks its own work: exactly the one test fails, every model still builds.
  const notPassing = runResults.results
    .filter((r) => !["pass", "success"].includes(r.status))
    .map((r) => `${r.unique_id} ${r.status}`);
  const expected = [`test.sbdk_starter.${BROKEN_RULE.test} fail`];
  if (build.exitCode !== 1 || JSON.stringify(notPassing) !== JSON.stringify(expected)) {
    throw new Error(
      `expected only ${BROKEN_RULE.test} to fail (dbt exit 1), got exit ${build.exitCode}: ${notPassing.join(", ") || "nothing failed"}\n${build.outputTail.join("\n")}`,
    );
  }
  await publish({ config, runResults, manifest: await readManifest(targetPath) });
  const broken: BrokenRule = {
    ...BROKEN_RULE,
    generation_id: removed.generation_id,
    prompt_id: removed.prompt_id,
  };
  writeFileSync(out, JSON.stringify(broken, null, 2));
} finally {
  lock.release();
}
