/**
 * Gives the end-to-end data one failing dbt test, so the quality page has failing rows to
 * show: after the pipeline has published, one generation of the last day is deleted from the
 * raw table, dbt builds again and the result is published. Its prompt is then left without an
 * answer, which the integrity test `assert_no_orphan_prompts` (on dim_prompts) reports with
 * that prompt as its failing row. No chart of the dashboard reads dim_prompts, so the
 * dashboard's figures still equal the marts and its charts' trust badges stay green; dbt skips
 * the two backfill models that read every mart (the test reads dim_prompts, fct_sessions,
 * dim_users and fct_generations), whose tables from the run before stay in place.
 *
 *   node bin/run-ts.mjs tests/e2e/support/break-a-rule.ts <sbdk_config.json> <out.json>
 * Writes what it broke to <out.json> (see BrokenRule).
 */
import { writeFileSync } from "node:fs";
import { loadConfig } from "@/lib/server/config";
import { readManifest, readRunResults, type Manifest } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs, runDbt } from "@/lib/server/dbt/runner";
import { acquireLock } from "@/lib/server/lock";
import { publish } from "@/lib/server/publish";
import { openWarehouse } from "@/lib/server/warehouse/duckdb";
import { BROKEN_RULE, type BrokenRule } from "./broken-rule";

/**
 * The models dbt skips when test `testId` fails: in `dbt build` a test holds back the models
 * downstream of every model it reads (not those downstream of only some of them).
 */
function blockedBy(manifest: Manifest, testId: string): string[] {
  const parents = (manifest.nodes[testId]?.depends_on.nodes ?? []).filter((n) => n.startsWith("model."));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const found = new Set<string>();
    ancestors.set(id, found);
    for (const dep of manifest.nodes[id]?.depends_on.nodes ?? []) {
      if (!dep.startsWith("model.")) continue;
      found.add(dep);
      for (const a of ancestorsOf(dep)) found.add(a);
    }
    return found;
  };
  return Object.values(manifest.nodes)
    .filter((n) => n.resource_type === "model" && parents.every((p) => ancestorsOf(n.unique_id).has(p)))
    .map((n) => n.unique_id);
}

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
  const manifest = await readManifest(targetPath);
  // The set-up checks its own work: exactly the one test fails, and dbt skips only the models
  // that read everything the test reads (the backfill models, which read every mart); every
  // model the dashboard's charts read still builds.
  const notPassing = runResults.results
    .filter((r) => !["pass", "success"].includes(r.status))
    .map((r) => `${r.unique_id} ${r.status}`)
    .sort();
  const testId = `test.sbdk_starter.${BROKEN_RULE.test}`;
  const expected = [`${testId} fail`, ...blockedBy(manifest, testId).map((id) => `${id} skipped`)].sort();
  if (build.exitCode !== 1 || JSON.stringify(notPassing) !== JSON.stringify(expected)) {
    throw new Error(
      `expected only ${BROKEN_RULE.test} to fail (dbt exit 1), got exit ${build.exitCode}: ${notPassing.join(", ") || "nothing failed"}\n${build.outputTail.join("\n")}`,
    );
  }
  await publish({ config, runResults, manifest });
  const broken: BrokenRule = {
    ...BROKEN_RULE,
    generation_id: removed.generation_id,
    prompt_id: removed.prompt_id,
  };
  writeFileSync(out, JSON.stringify(broken, null, 2));
} finally {
  lock.release();
}
