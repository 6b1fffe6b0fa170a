import { expect, test, type TestInfo } from "@playwright/test";
import { formatDecimal, formatInteger, formatPercent, formatUsd } from "../../lib/shared/dashboard/format";
import { DashboardPage, KPI_NAMES, type KpiName } from "./pages/dashboard-page";
import { dataDays, expectedKpis, type ExpectedKpis } from "./support/expected";

const FIELD: Record<KpiName, keyof ExpectedKpis> = {
  users: "users",
  sessions: "sessions",
  generations: "generations",
  "success-rate": "success_rate",
  "revenue-usd": "revenue_usd",
  "avg-friction": "avg_friction",
};

const FORMAT: Record<KpiName, (k: ExpectedKpis) => string> = {
  users: (k) => formatInteger(k.users),
  sessions: (k) => formatInteger(k.sessions),
  generations: (k) => formatInteger(k.generations),
  "success-rate": (k) => formatPercent(k.success_rate),
  "revenue-usd": (k) => formatUsd(k.revenue_usd),
  "avg-friction": (k) => formatDecimal(k.avg_friction),
};

/** Every tile equals the marts: the exact figure (data-value) and what a person reads. */
async function expectKpis(dashboard: DashboardPage, expected: ExpectedKpis): Promise<void> {
  for (const name of KPI_NAMES) {
    const want = expected[FIELD[name]];
    const got = await dashboard.kpiNumber(name);
    if (want === null) expect(got, name).toBeNull();
    else expect(got, name).toBeCloseTo(want, 6);
    expect(await dashboard.kpiText(name), name).toBe(FORMAT[name](expected));
  }
}

async function screenshot(dashboard: DashboardPage, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await dashboard.page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

test.describe("overview dashboard", () => {
  test("first paint already shows the right headline figures, computed by the server", async ({
    request,
  }) => {
    const expected = await expectedKpis();
    const html = await (await request.get("/")).text();
    // Before any JavaScript runs: the figures are in the server-rendered HTML.
    for (const text of [
      formatInteger(expected.users),
      formatInteger(expected.sessions),
      formatUsd(expected.revenue_usd),
    ]) {
      expect(html).toContain(text);
    }
  });

  test("the KPI tiles show the numbers in the marts once DuckDB-WASM is live", async ({ page }, testInfo) => {
    // The server's first render hydrates as it is: a text it writes otherwise than the browser
    // (React error #418) would make React draw the page again, and drop clicks made meanwhile.
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await dashboard.waitForLive("");
    await expect(dashboard.engineStatus).toHaveAttribute("data-status", "ready");
    await expectKpis(dashboard, await expectedKpis());
    expect(pageErrors).toEqual([]);
    await screenshot(dashboard, testInfo, "dashboard-unfiltered");
  });

  test("every view draws its charts, each with a trust badge linking to the quality page", async ({
    page,
  }) => {
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await dashboard.waitForLive("");
    await dashboard.expectNoErrors();
    for (const view of ["friction", "tiers", "growth"]) {
      await expect(page.getByTestId(`view-${view}`)).toBeVisible();
    }
    const panels = await dashboard.panels.all();
    expect(panels.length).toBeGreaterThanOrEqual(12);
    for (const panel of panels) {
      await expect(panel).toHaveAttribute("data-state", "ready");
      const badge = panel.getByTestId("trust-badge");
      await expect(badge).toHaveAttribute("data-status", "passing");
      await expect(badge).toHaveAttribute("href", /^\/quality\?models=/);
      await expect(badge).toContainText(/\d+ tests pass/);
    }
    // Charts are drawn (SVG marks), the tables have rows.
    await expect(
      page.getByTestId("chart-friction-histogram").locator('[data-mark="bar"]').first(),
    ).toBeVisible();
    await expect(page.getByTestId("top-friction-rows").locator("tbody tr")).toHaveCount(20);
    await expect(page.getByTestId("tier-rows").locator("tbody tr")).toHaveCount(3);
    await expect(page.getByTestId("weekly-rows").locator("tbody tr").first()).toBeVisible();
  });

  test("choosing filters changes the figures and the URL", async ({ page }, testInfo) => {
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await dashboard.waitForLive("");

    await dashboard.choose("tier", "pro");
    await expect(page).toHaveURL(/[?&]tier=pro(&|$)/);
    await dashboard.waitForLive("tier=pro");
    await expectKpis(dashboard, await expectedKpis({ tiers: ["pro"] }));

    await dashboard.choose("model", "aurora-2");
    await expect(page).toHaveURL(/[?&]model=aurora-2(&|$)/);
    await dashboard.waitForLive("tier=pro&model=aurora-2");
    await expectKpis(dashboard, await expectedKpis({ tiers: ["pro"], models: ["aurora-2"] }));

    const { last } = await dataDays();
    const from = new Date(`${last}T00:00:00Z`);
    from.setUTCDate(from.getUTCDate() - 6);
    const from7 = from.toISOString().slice(0, 10);
    await dashboard.preset("Last 7 days");
    await expect(page).toHaveURL(new RegExp(`[?&]from=${from7}(&|$)`));
    await dashboard.waitForLive(`from=${from7}&tier=pro&model=aurora-2`);
    await expectKpis(dashboard, await expectedKpis({ from: from7, tiers: ["pro"], models: ["aurora-2"] }));
    await screenshot(dashboard, testInfo, "dashboard-filtered");

    // Back undoes the last filter change.
    await page.goBack();
    await dashboard.waitForLive("tier=pro&model=aurora-2");
    await expectKpis(dashboard, await expectedKpis({ tiers: ["pro"], models: ["aurora-2"] }));
  });

  test("a filter one click away is answered from figures prepared while the page was idle", async ({
    page,
  }) => {
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await dashboard.waitForLive("");
    // The page prepares every filter one click away, then marks that it is done.
    await page.waitForFunction(() => performance.getEntriesByName("sbdk:prefetch-done").length > 0, null, {
      timeout: 90_000,
    });
    const queriesRun = () =>
      page.evaluate(
        () => performance.getEntriesByType("mark").filter((m) => m.name.startsWith("sbdk:query:")).length,
      );

    const before = await queriesRun();
    await dashboard.choose("region", "europe");
    await dashboard.waitForLive("region=europe");
    expect(await queriesRun()).toBe(before); // nothing ran on the click
    await expectKpis(dashboard, await expectedKpis({ regions: ["europe"] }));

    // A typed date is not one click away: its queries run when it is chosen.
    const { first } = await dataDays();
    const from = new Date(`${first}T00:00:00Z`);
    from.setUTCDate(from.getUTCDate() + 2);
    const from3 = from.toISOString().slice(0, 10);
    await page.getByTestId("filter-from").fill(from3);
    await dashboard.waitForLive(`from=${from3}&region=europe`);
    expect(await queriesRun()).toBeGreaterThan(before);
    await expectKpis(dashboard, await expectedKpis({ from: from3, regions: ["europe"] }));
  });

  test("opening a filtered link restores its filters", async ({ page }) => {
    const { first } = await dataDays();
    const to = new Date(`${first}T00:00:00Z`);
    to.setUTCDate(to.getUTCDate() + 9);
    const filters = {
      from: first,
      to: to.toISOString().slice(0, 10),
      tiers: ["free", "enterprise"],
      regions: ["europe"],
    };
    const query = `from=${filters.from}&to=${filters.to}&tier=free,enterprise&region=europe`;
    const dashboard = new DashboardPage(page);
    await dashboard.goto(query);
    // The server's first render already answers the link's filters.
    await expectKpis(dashboard, await expectedKpis(filters));
    await dashboard.waitForLive(query);
    await expectKpis(dashboard, await expectedKpis(filters));
    expect(await dashboard.filterSummary("tier")).toBe("Free, Enterprise");
    expect(await dashboard.filterSummary("region")).toBe("Europe");
    await expect(page.getByTestId("filter-from")).toHaveValue(filters.from);
    await expect(page.getByTestId("filter-to")).toHaveValue(filters.to);
  });

  test("filters that match nothing show empty states, not errors", async ({ page }, testInfo) => {
    const dashboard = new DashboardPage(page);
    const query = "from=2020-01-01&to=2020-01-07";
    await dashboard.goto(query);
    await dashboard.waitForLive(query);
    await dashboard.expectNoErrors();
    expect(await dashboard.kpiNumber("sessions")).toBe(0);
    expect(await dashboard.kpiText("success-rate")).toBe("–");
    await expect(page.getByTestId("chart-friction-histogram")).toHaveAttribute("data-state", "empty");
    await expect(page.getByTestId("table-top-friction")).toHaveAttribute("data-state", "empty");
    await screenshot(dashboard, testInfo, "dashboard-empty");
    // "Clear filters" brings everything back.
    await page.getByTestId("chart-friction-histogram").getByRole("button", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/$/);
    await dashboard.waitForLive("");
    await expectKpis(dashboard, await expectedKpis());
  });
});
