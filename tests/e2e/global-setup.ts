/**
 * Builds the end-to-end data: the real pipeline (generate → load → dbt build → publish) with a
 * small config in a temp folder, so the run works from a fresh clone and never touches the
 * user's own warehouse or publish. Then one rule is broken on purpose and published again
 * (support/break-a-rule.ts), so the quality page has a failing test with failing rows; the
 * broken test is on dim_prompts, which no dashboard chart reads, so the dashboard's
 * expectations (computed from the marts at test time) and its green trust badges still hold.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BROKEN_RULE, BROKEN_RULE_FILE } from "./support/broken-rule";
import { E2E_CONFIG, E2E_DATA, E2E_DIR } from "./support/env";

function run(what: string, args: string[], okCodes: number[]): void {
  const root = process.cwd();
  const res = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, SBDK_CONFIG: E2E_CONFIG },
  });
  if (res.status === null || !okCodes.includes(res.status)) {
    throw new Error(`e2e data: ${what} exited ${res.status}\n${res.stdout}\n${res.stderr}`.slice(-4000));
  }
}

/**
 * Breaks the rule in the warehouse and publishes again. Also called after a spec re-runs the
 * pipeline (runs.spec.ts), which regenerates the deleted row, so later specs find it broken.
 */
export function breakTheRule(): void {
  const root = process.cwd();
  run(
    "breaking a rule",
    [
      join(root, "bin", "run-ts.mjs"),
      join(root, "tests", "e2e", "support", "break-a-rule.ts"),
      E2E_CONFIG,
      BROKEN_RULE_FILE,
    ],
    [0],
  );
}

export default function globalSetup(): void {
  const root = process.cwd();
  const started = Date.now();
  // Exit 1 = a dbt test failed; the data is still published, and the trust badges say so.
  run("`sbdk run`", [join(root, "bin", "sbdk.mjs"), "run", "--config", E2E_CONFIG, "--json"], [0, 1]);
  breakTheRule();
  console.log(
    `e2e data: ${E2E_DATA.users} users × ${E2E_DATA.days} days published with ${BROKEN_RULE.test} failing in ${Math.round((Date.now() - started) / 1000)} s (${E2E_DIR})`,
  );
}
