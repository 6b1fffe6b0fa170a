import { expect, test, type TestInfo } from "@playwright/test";
import { formatInteger } from "../../lib/shared/dashboard/format";
import { DashboardPage } from "./pages/dashboard-page";
import { QualityPage } from "./pages/quality-page";
import { readBrokenRule } from "./support/broken-rule";
import { EMPTY_BASE_URL } from "./support/env";
import {
  publishedManifest,
  publishedTests,
  withUpstream,
  type PublishedTest,
} from "./support/expected-quality";

const NOT_PASSING = new Set(["fail", "error", "warn"]);

async function screenshot(quality: QualityPage, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await quality.page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

function idsOf(tests: readonly PublishedTest[]): string[] {
  return tests.map((t) => t.unique_id).sort();
}

test.describe("data-quality page", () => {
  test("lists every dbt test of the publish, with the manifest's counts, failing ones first", async ({
    page,
  }, testInfo) => {
    const manifest = publishedManifest();
    const tests = await publishedTests();
    const counts = manifest.dbt.tests;
    // The e2e data has a failing test on purpose (global-setup), so the page has something to show.
    expect(counts.failed + counts.warned).toBeGreaterThan(0);
    expect(tests).toHaveLength(counts.total);

    const quality = new QualityPage(page);
    await quality.goto();
    expect(await quality.summaryNumber("tests")).toBe(counts.total);
    expect(await quality.summaryNumber("passed")).toBe(counts.passed);
    expect(await quality.summaryNumber("warned")).toBe(counts.warned);
    expect(await quality.summaryNumber("failed")).toBe(counts.failed);
    expect(await quality.summaryNumber("skipped")).toBe(counts.skipped);
    expect(await quality.summaryText("tests")).toBe(formatInteger(counts.total));
    expect(await quality.summaryText("models")).toBe(
      `${manifest.dbt.models.built}/${manifest.dbt.models.total}`,
    );

    await expect(quality.testRows).toHaveCount(counts.total);
    expect((await quality.shownTestIds()).sort()).toEqual(idsOf(tests));
    const statuses = await quality.shownAttribute("data-status");
    const notPassing = counts.failed + counts.warned;
    expect(statuses.slice(0, notPassing).every((s) => NOT_PASSING.has(s))).toBe(true);
    expect(statuses.slice(notPassing).some((s) => NOT_PASSING.has(s))).toBe(false);
    // Each row's status is the published one.
    const published = new Map(tests.map((t) => [t.unique_id, t.status]));
    const ids = await quality.shownTestIds();
    expect(ids.map((id, i) => [id, statuses[i]])).toEqual(ids.map((id) => [id, published.get(id)]));

    await expect(page.getByTestId("outcome-failed")).toHaveAttribute("data-count", String(counts.failed));
    await expect(page.getByTestId("outcome-passed")).toHaveAttribute("data-count", String(counts.passed));
    await screenshot(quality, testInfo, "quality");
  });

  test("a failing test opens to show dbt's message and the failing rows of the publish", async ({
    page,
  }, testInfo) => {
    const broken = readBrokenRule();
    const failing = (await publishedTests()).find((t) => t.test_name === broken.test)!;
    expect(failing.status).toBe("fail");
    const sample = JSON.parse(failing.failing_rows_json!) as Record<string, unknown>[];

    const quality = new QualityPage(page);
    await quality.goto();
    const row = quality.testRow(broken.test);
    await expect(row).toHaveAttribute("data-status", "fail");
    await expect(row).toHaveAttribute("data-model", broken.model);
    await expect(row.getByTestId("test-failures")).toHaveText(formatInteger(failing.failures));

    const details = await quality.openDetails(broken.test);
    await expect(details.getByTestId("test-message")).toHaveText(failing.message!);
    const shown = await quality.failingRows(details);
    expect(shown.columns).toEqual(Object.keys(sample[0]!));
    expect(shown.rows).toEqual(
      sample.map((r) => Object.values(r).map((v) => (v === null ? "null" : String(v)))),
    );
    // The row is the prompt whose generation global-setup removed.
    expect(shown.rows).toHaveLength(1);
    expect(shown.rows[0]![shown.columns.indexOf("prompt_id")]).toBe(String(broken.prompt_id));
    expect(shown.rows[0]![shown.columns.indexOf("problem")]).toBe("no generation");
    await screenshot(quality, testInfo, "quality-failing-rows");
  });

  test("the lineage graph shows every model and source, coloured by its last status", async ({ page }) => {
    const manifest = publishedManifest();
    const tests = await publishedTests();
    const quality = new QualityPage(page);
    await quality.goto();

    await expect(quality.lineageNodes).toHaveCount(manifest.lineage.length);
    const names = await quality.lineageNodes.evaluateAll((els) =>
      els.map((e) => e.getAttribute("data-name")),
    );
    expect(names.sort()).toEqual(manifest.lineage.map((n) => n.name).sort());
    const edges = manifest.lineage.reduce((n, node) => n + node.depends_on.length, 0);
    await expect(quality.lineageEdges).toHaveCount(edges);

    // A model is red when it or one of its tests failed, grey when dbt skipped it (a test
    // upstream failed: the data's broken rule skips what is built on dim_prompts until a
    // backfill builds it again), amber with a warning, else green.
    for (const node of manifest.lineage) {
      const own = tests.filter((t) => t.model === node.name);
      const expected =
        node.resource_type === "source"
          ? "none"
          : (node.status !== "success" && node.status !== "skipped") ||
              own.some((t) => t.status === "fail" || t.status === "error")
            ? "fail"
            : node.status === "skipped"
              ? "skipped"
              : own.some((t) => t.status === "warn")
                ? "warn"
                : "pass";
      await expect(quality.node(node.name), node.name).toHaveAttribute("data-health", expected);
    }
    await expect(quality.node(readBrokenRule().model)).toHaveAttribute("data-health", "fail");
    // Every model has its build time in the timings list, the slowest first.
    const models = manifest.lineage.filter((n) => n.resource_type === "model");
    await expect(quality.timingRows).toHaveCount(models.length);
    const seconds = await quality.timingRows.evaluateAll((rows) =>
      rows.map((r) => Number(r.getAttribute("data-seconds"))),
    );
    expect(seconds).toEqual([...models.map((m) => m.seconds!)].sort((a, b) => b - a));
  });

  test("clicking a model in the graph shows its tests; back, or clicking it again, shows all", async ({
    page,
  }) => {
    const tests = await publishedTests();
    const quality = new QualityPage(page);
    await quality.goto();
    const model = "fct_sessions";
    const own = tests.filter((t) => t.model === model);
    expect(own.length).toBeGreaterThan(0);

    await quality.node(model).click();
    await expect(page).toHaveURL(/\/quality\?models=fct_sessions$/);
    await expect(quality.node(model)).toHaveAttribute("data-selected", "true");
    await expect(quality.testRows).toHaveCount(own.length);
    expect((await quality.shownTestIds()).sort()).toEqual(idsOf(own));
    expect(await quality.modelFilterSummary()).toBe(model);

    // Back and forward undo and redo the filter.
    await page.goBack();
    await expect(page).toHaveURL(/\/quality$/);
    await expect(quality.testRows).toHaveCount(tests.length);
    await page.goForward();
    await expect(quality.testRows).toHaveCount(own.length);

    await quality.node(model).click();
    await expect(page).toHaveURL(/\/quality$/);
    await expect(quality.testRows).toHaveCount(tests.length);
  });

  test("filters by outcome and by a search, and a reload keeps them", async ({ page }) => {
    const tests = await publishedTests();
    const quality = new QualityPage(page);
    await quality.goto();

    await quality.outcome("failed");
    await expect(page).toHaveURL(/[?&]status=failed(&|$)/);
    const failed = tests.filter((t) => t.status === "fail" || t.status === "error");
    await expect(quality.testRows).toHaveCount(failed.length);
    expect((await quality.shownTestIds()).sort()).toEqual(idsOf(failed));

    await quality.outcome("all");
    await quality.search("user_id");
    const matching = tests.filter((t) =>
      [t.test_name, t.test_type, t.model ?? "", t.column_name ?? ""].some((s) =>
        s.toLowerCase().includes("user_id"),
      ),
    );
    await expect(quality.testRows).toHaveCount(matching.length);
    await expect(page).toHaveURL(/[?&]q=user_id(&|$)/);

    await page.reload();
    await quality.waitForInteractive();
    await expect(page.getByTestId("test-search")).toHaveValue("user_id");
    await expect(quality.testRows).toHaveCount(matching.length);
  });

  test("a chart's trust badge on the dashboard opens the page filtered to the chart's models", async ({
    page,
  }, testInfo) => {
    const manifest = publishedManifest();
    const tests = await publishedTests();
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    // Clicked as a person does, once the page is up: the live figures have replaced the server's.
    await dashboard.waitForLive("");
    const badge = page.getByTestId("chart-friction-histogram").getByTestId("trust-badge");
    await expect(badge).toHaveAttribute("data-status", "passing");
    const href = (await badge.getAttribute("href"))!;
    const models = decodeURIComponent(href.replace(/^\/quality\?models=/, "")).split(",");
    const badgeCount = Number(/(\d+) tests pass/.exec((await badge.textContent()) ?? "")?.[1]);

    await badge.click();
    await expect(page).toHaveURL(new RegExp(`/quality\\?models=`));
    const quality = new QualityPage(page);
    await quality.waitForInteractive();
    const own = tests.filter((t) => t.model !== null && models.includes(t.model));
    await expect(quality.testRows).toHaveCount(own.length);
    expect((await quality.shownAttribute("data-model")).every((m) => models.includes(m))).toBe(true);
    for (const m of models) await expect(quality.node(m)).toHaveAttribute("data-selected", "true");

    // The badge counted the tests of everything upstream too: one click widens the filter to match.
    await page.getByTestId("include-upstream").click();
    const upstream = withUpstream(models, manifest);
    const all = tests.filter((t) => t.model !== null && upstream.includes(t.model));
    await expect(quality.testRows).toHaveCount(all.length);
    expect(all.length).toBe(badgeCount);
    await screenshot(quality, testInfo, "quality-from-trust-badge");
  });

  test("with nothing published the page says what to run", async ({ page }) => {
    await page.goto(`${EMPTY_BASE_URL}/quality`);
    await expect(page.getByTestId("missing-publish")).toBeVisible();
    await expect(page.getByTestId("missing-publish-command")).toHaveText("npm run pipeline");
    await expect(page.getByTestId("quality-report")).toHaveCount(0);
  });
});
