import { rmSync } from "node:fs";
import { E2E_DIR } from "./support/env";

/** Removes the run's temp folder (the servers are stopped by Playwright before this). */
export default function globalTeardown(): void {
  if (!process.env.SBDK_E2E_KEEP) rmSync(E2E_DIR, { recursive: true, force: true });
}
