/**
 * End-to-end tests of the dashboard: a real build served by `next start`, real data from the
 * pipeline (a small config in a temp folder, see tests/e2e/global-setup.ts), real Chromium.
 * Run with `npm run test:e2e`. Chromium: $CHROMIUM_PATH, else /usr/bin/chromium (Debian's
 * `apt-get install chromium`), else Playwright's own browser if one is installed.
 */
import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import {
  BASE_URL,
  E2E_CONFIG,
  E2E_EMPTY_PUBLISH,
  E2E_WEBHOOK_SECRET,
  E2E_SIM_CONFIG,
  EMPTY_PORT,
  PORT,
  SIM_BASE_URL,
  SIM_PORT,
  writeE2EConfig,
} from "./tests/e2e/support/env";

// The servers read this config on every request; global-setup then publishes into it.
writeE2EConfig(process.cwd());

const chromium =
  process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

const serverEnv = { ...process.env, SBDK_CONFIG: E2E_CONFIG, NEXT_TELEMETRY_DISABLED: "1" } as Record<
  string,
  string
>;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  globalTeardown: "./tests/e2e/global-teardown.ts",
  // One browser at a time: 2 cores, and DuckDB-WASM compiles a 34 MB module per page.
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: process.env.CI
    ? [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]]
    : "list",
  use: {
    baseURL: BASE_URL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath: chromium,
          args: [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      // Builds when the build is missing or stale; the data comes from global-setup.
      command: `node scripts/start.mjs --port ${PORT} --skip-pipeline`,
      url: `${BASE_URL}/quality`,
      env: { ...serverEnv, SBDK_WEBHOOK_SECRET: E2E_WEBHOOK_SECRET, SBDK_WEBHOOK_BRANCH: "main" },
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The same build over a publish folder that stays empty.
      command: `node node_modules/next/dist/bin/next start --port ${EMPTY_PORT} --hostname 127.0.0.1`,
      url: `http://127.0.0.1:${EMPTY_PORT}/quality`,
      env: { ...serverEnv, SBDK_PUBLISH_PATH: E2E_EMPTY_PUBLISH, SBDK_WEBHOOK_SECRET: "" },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The same build over a warehouse of its own, for the simulation player (simulate.spec.ts).
      command: `node node_modules/next/dist/bin/next start --port ${SIM_PORT} --hostname 127.0.0.1`,
      url: `${SIM_BASE_URL}/quality`,
      env: { ...serverEnv, SBDK_CONFIG: E2E_SIM_CONFIG },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
