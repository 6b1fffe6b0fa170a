/**
 * Builds the end-to-end data: the real pipeline (generate → load → dbt build → publish) with a
 * small config in a temp folder, so the run works from a fresh clone and never touches the
 * user's own warehouse or publish.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { E2E_CONFIG, E2E_DATA, E2E_DIR } from "./support/env";

export default function globalSetup(): void {
  const root = process.cwd();
  const started = Date.now();
  const res = spawnSync(
    process.execPath,
    [join(root, "bin", "sbdk.mjs"), "run", "--config", E2E_CONFIG, "--json"],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, SBDK_CONFIG: E2E_CONFIG },
    },
  );
  // Exit 1 = a dbt test failed; the data is still published, and the trust badges say so.
  if (res.status !== 0 && res.status !== 1) {
    throw new Error(`e2e data: \`sbdk run\` exited ${res.status}\n${res.stdout}\n${res.stderr}`.slice(-4000));
  }
  console.log(
    `e2e data: ${E2E_DATA.users} users × ${E2E_DATA.days} days published in ${Math.round((Date.now() - started) / 1000)} s (${E2E_DIR})`,
  );
}
