/**
 * The shareable deploy: `sbdk export` writes the dashboard as a static site under a base path;
 * Python's http.server (as plain a static server as there is) serves it; the pages render the
 * numbers of the marts with DuckDB-WASM, with no API and no run button behind them.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { formatInteger, formatUsd } from "../../lib/shared/dashboard/format";
import { DashboardPage, KPI_NAMES } from "./pages/dashboard-page";
import { QualityPage } from "./pages/quality-page";
import { E2E_CONFIG, E2E_DIR, STATIC_PORT } from "./support/env";
import { expectedKpis } from "./support/expected";
import { publishedManifest } from "./support/expected-quality";

const BASE = "/sbdk-demo";
const ROOT = join(E2E_DIR, "static-root");
const SITE = join(ROOT, BASE.slice(1));
const ORIGIN = `http://127.0.0.1:${STATIC_PORT}`;
const LIMIT = 25 * 1024 * 1024;

let server: ChildProcess | null = null;
let exportOutput = "";

function files(dir: string): { path: string; bytes: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? files(path) : [{ path, bytes: statSync(path).size }];
  });
}

test.describe("the exported static site", () => {
  test.describe.configure({ mode: "serial" });

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    const res = spawnSync(
      process.execPath,
      ["bin/sbdk.mjs", "export", "--config", E2E_CONFIG, "--base-path", BASE, "--out", SITE],
      { encoding: "utf8", env: { ...process.env, SBDK_CONFIG: E2E_CONFIG } },
    );
    exportOutput = `${res.stdout}\n${res.stderr}`;
    if (res.status !== 0) throw new Error(`sbdk export exited ${res.status}\n${exportOutput}`.slice(-4000));
    server = spawn("python3", ["-m", "http.server", String(STATIC_PORT), "--bind", "127.0.0.1", "-d", ROOT], {
      stdio: "ignore",
    });
    for (let i = 0; i < 100; i += 1) {
      const ok = await fetch(`${ORIGIN}${BASE}/`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the static server did not start");
  });

  test.afterAll(() => {
    server?.kill();
  });

  test("prints a size report and keeps every file under 25 MiB", () => {
    expect(exportOutput).toContain("Largest files");
    expect(exportOutput).toMatch(/every file is under 25 MiB/);
    const all = files(SITE);
    expect(all.length).toBeGreaterThan(10);
    for (const f of all) expect(f.bytes, f.path).toBeLessThanOrEqual(LIMIT);
    const names = all.map((f) => f.path.slice(SITE.length + 1));
    expect(names).toContain("index.html");
    expect(names).toContain("published/manifest.json");
    expect(names).toContain("engine/duckdb-eh.wasm.gz");
  });

  test("has no write path: no API, no run button", async ({ page }) => {
    for (const path of ["/api/runs", "/published/../sbdk_config.json"]) {
      const res = await fetch(`${ORIGIN}${BASE}${path}`, { method: "GET" });
      expect(res.status, path).toBe(404);
    }
    await page.goto(`${ORIGIN}${BASE}/`);
    await expect(page.getByTestId("publish-summary")).toBeVisible();
    await expect(page.getByRole("button", { name: /run pipeline/i })).toHaveCount(0);
  });

  test("the dashboard renders the numbers of the marts from the static files", async ({ page }, testInfo) => {
    const expected = await expectedKpis();
    const html = await (await fetch(`${ORIGIN}${BASE}/`)).text();
    for (const text of [formatInteger(expected.users), formatUsd(expected.revenue_usd)]) {
      expect(html).toContain(text);
    }
    const dashboard = new DashboardPage(page, `${ORIGIN}${BASE}`);
    await dashboard.goto();
    await dashboard.waitForLive("");
    await dashboard.expectNoErrors();
    await expect(dashboard.engineStatus).toHaveAttribute("data-status", "ready");
    for (const name of KPI_NAMES) await expect(dashboard.kpi(name)).toBeVisible();
    expect(await dashboard.kpiNumber("users")).toBe(expected.users);
    expect(await dashboard.kpiNumber("sessions")).toBe(expected.sessions);
    expect(await dashboard.kpiNumber("generations")).toBe(expected.generations);
    expect(await dashboard.kpiNumber("revenue-usd")).toBeCloseTo(expected.revenue_usd, 6);
    for (const view of ["friction", "tiers", "growth"]) {
      await expect(page.getByTestId(`view-${view}`)).toBeVisible();
    }
    const path = testInfo.outputPath("export-dashboard.png");
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach("export-dashboard", { path, contentType: "image/png" });
  });

  test("a filtered link applies its filters in the browser", async ({ page }) => {
    const expected = await expectedKpis({ tiers: ["pro"] });
    const dashboard = new DashboardPage(page, `${ORIGIN}${BASE}`);
    await dashboard.goto("tier=pro");
    await dashboard.waitForLive("tier=pro");
    expect(await dashboard.filterSummary("tier")).toContain("Pro");
    expect(await dashboard.kpiNumber("users")).toBe(expected.users);
    expect(await dashboard.kpiNumber("sessions")).toBe(expected.sessions);
    expect(await dashboard.kpiNumber("revenue-usd")).toBeCloseTo(expected.revenue_usd, 6);
  });

  test("the quality page lists the publish's tests, and the dashboard's badges lead to it", async ({
    page,
  }, testInfo) => {
    const counts = publishedManifest().dbt.tests;
    const quality = new QualityPage(page, `${ORIGIN}${BASE}`);
    await quality.goto();
    expect(await quality.summaryNumber("tests")).toBe(counts.total);
    expect(await quality.summaryNumber("failed")).toBe(counts.failed);
    await expect(quality.testRows).toHaveCount(counts.total);
    const path = testInfo.outputPath("export-quality.png");
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach("export-quality", { path, contentType: "image/png" });

    const dashboard = new DashboardPage(page, `${ORIGIN}${BASE}`);
    await dashboard.goto();
    await page.getByTestId("trust-badge").first().click();
    await expect(page).toHaveURL(new RegExp(`^${ORIGIN}${BASE}/quality/\\?models=`));
    await quality.waitForInteractive();
  });
});
