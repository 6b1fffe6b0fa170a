/**
 * Runs from the browser, on the real server: the button starts a real run of the e2e config
 * (same seed, so the publish the other specs check comes back identical), the panel streams
 * its stages, the dashboard switches to the new publish, and the runs page keeps the run and
 * its log.
 */
import { expect, test } from "@playwright/test";
import { DBT_PROJECT } from "../dbt-project";
import { breakTheRule } from "./global-setup";
import { formatInteger } from "../../lib/shared/dashboard/format";
import { DashboardPage } from "./pages/dashboard-page";
import { RunPanel, RunsPage } from "./pages/runs-page";
import { E2E_DATA } from "./support/env";
import { expectedKpis } from "./support/expected";

test.describe.configure({ mode: "serial" });

// A run regenerates the row global-setup deleted: delete it again for the specs after these.
test.afterAll(() => {
  test.setTimeout(180_000);
  breakTheRule();
});

let runId = "";

test("a run started with the button streams its stages and ends with the new publish on screen", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(300_000);
  const dashboard = new DashboardPage(page);
  const runs = new RunPanel(page);
  await dashboard.goto();
  await dashboard.waitForLive("");
  const summary = page.getByTestId("publish-summary");
  const publishedBefore = await summary.getAttribute("data-generated-at");
  const versionBefore = await summary.getAttribute("data-version");
  expect(publishedBefore).toBeTruthy();

  const testCounts = await runs.recordCounts("tests");
  const modelCounts = await runs.recordCounts("models");
  runId = await runs.start();
  expect(runId).toMatch(/^r-\d{8}-\d{6}-[0-9a-z]{4}$/);
  await expect(runs.panel).toHaveAttribute("data-status", /^(queued|running)$/);

  // A second run while this one is active is refused with the active run's id.
  const second = await request.post("/api/runs", { data: {} });
  expect(second.status()).toBe(409);
  const refusal = (await second.json()) as { activeRunId: string; error: { code: string; message: string } };
  expect(refusal.activeRunId).toBe(runId);
  expect(refusal.error.code).toBe("conflict:pipeline");

  await expect(runs.stage("models")).toHaveAttribute("data-status", "running", { timeout: 60_000 });
  await page.screenshot({ path: testInfo.outputPath("run-panel-running.png") });

  await runs.expectStatus("succeeded", 240_000);
  for (const [key, total] of [
    ["generate", E2E_DATA.days],
    ["load", E2E_DATA.days],
    ["models", DBT_PROJECT.models],
    ["tests", DBT_PROJECT.tests],
    ["publish", DBT_PROJECT.publishedTables],
  ] as const) {
    await expect(runs.stage(key), key).toHaveAttribute("data-status", "succeeded");
    await expect(runs.stage(key), key).toHaveAttribute("data-done", String(total));
    await expect(runs.stage(key), key).toHaveAttribute("data-total", String(total));
  }
  expect(await runs.counts("models")).toBe(`${DBT_PROJECT.models}/${DBT_PROJECT.models}`);
  expect(await runs.counts("tests")).toBe(`${DBT_PROJECT.tests}/${DBT_PROJECT.tests}`);

  // What a person saw while dbt ran: counts that grew, e.g. "96/167", on the way to the end.
  const seenTests = await testCounts();
  const partial = seenTests
    .filter((t) => t.endsWith(`/${DBT_PROJECT.tests}`))
    .map((t) => Number(t.split("/")[0]));
  expect(partial.length, seenTests.join(" | ")).toBeGreaterThan(3);
  expect(
    partial.some((n) => n > 0 && n < DBT_PROJECT.tests),
    seenTests.join(" | "),
  ).toBe(true);
  expect(partial).toEqual([...partial].sort((a, b) => a - b));
  expect(
    (await modelCounts()).some((t) => {
      const [done = 0, total = 0] = t.split("/").map(Number);
      return total === DBT_PROJECT.models && done > 0 && done < total;
    }),
  ).toBe(true);

  // The dashboard now shows the new publish, and (same seed) the same numbers.
  await expect(summary).not.toHaveAttribute("data-generated-at", publishedBefore!, { timeout: 30_000 });
  expect(await summary.getAttribute("data-version")).not.toBe(versionBefore);
  await dashboard.waitForLive("");
  // The run is over (a new publish is on screen), so the warehouse is free to read; the run
  // rebuilt the e2e config from its seed, without the row global-setup deleted.
  await expect(runs.panel).toHaveAttribute("data-status", "succeeded");
  const expected = await expectedKpis();
  expect(await dashboard.kpiNumber("users")).toBe(expected.users);
  expect(await dashboard.kpiNumber("generations")).toBe(expected.generations);
  expect(await dashboard.kpiText("sessions")).toBe(formatInteger(expected.sessions));
  await dashboard.expectNoErrors();
  await expect(runs.panel.getByTestId("run-result")).toContainText(
    `Published ${DBT_PROJECT.publishedTables} tables`,
  );
  await page.screenshot({ path: testInfo.outputPath("run-panel-succeeded.png") });
});

test("the runs page lists the run, and its page shows the log", async ({ page }, testInfo) => {
  // Serial: the previous test started the run this page must list.
  expect(runId, "the run of the previous test").toMatch(/^r-/);
  const runsPage = new RunsPage(page);
  await runsPage.goto();
  const row = runsPage.row(runId);
  await expect(row.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(row.getByTestId("run-trigger")).toHaveText("browser");
  await expect(row.getByTestId("run-duration")).toHaveText(/^\d+(\.\d)?s$|^\d+m \d\ds$/);
  await expect(row.getByTestId("run-tests")).toContainText(`${DBT_PROJECT.tests} passed`);
  await page.screenshot({ path: testInfo.outputPath("runs-page.png"), fullPage: true });

  await runsPage.open(runId);
  await expect(runsPage.log).toContainText(
    `sbdk run ${runId}: seed ${E2E_DATA.seed}, ${formatInteger(E2E_DATA.users)} users × 1, ${E2E_DATA.days} days from ${E2E_DATA.start_date}`,
  );
  await expect(runsPage.log).toContainText(
    `${DBT_PROJECT.models}/${DBT_PROJECT.models} models built · ${DBT_PROJECT.tests}/${DBT_PROJECT.tests} tests passed`,
  );
  await expect(runsPage.log).toContainText(`published ${DBT_PROJECT.publishedTables} Parquet files`);
  await expect(page.getByTestId("run-summary")).toContainText(
    `${DBT_PROJECT.tests}/${DBT_PROJECT.tests} passed`,
  );
  await page.screenshot({ path: testInfo.outputPath("run-page.png"), fullPage: true });
});

test("with a run already going, the button follows that run instead of starting another", async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const runs = new RunPanel(page);
  // The page loads while the warehouse is free…
  const checked = page.waitForResponse((r) => r.url().includes("/api/runs?limit=1"));
  await page.goto("/quality");
  await checked;
  await expect(runs.button).toHaveAttribute("data-active", "false");
  // …then a run starts elsewhere (a script, another tab).
  const started = await request.post("/api/runs", { data: {} });
  expect(started.status()).toBe(202);
  const { run } = (await started.json()) as { run: { id: string } };

  expect(await runs.start()).toBe(run.id);
  await expect(runs.panel.getByTestId("run-attached")).toContainText(run.id);
  await expect(runs.panel.getByTestId("run-error")).toHaveCount(0);
  await expect(runs.button).toHaveAttribute("data-active", "true");
  await runs.expectStatus("succeeded", 240_000);
  await expect(runs.button).toHaveAttribute("data-active", "false");
});
