/** Page object of the overview dashboard: what a person sees and does, by data-testid. */
import { expect, type Locator, type Page } from "@playwright/test";

export const KPI_NAMES = [
  "users",
  "sessions",
  "generations",
  "success-rate",
  "revenue-usd",
  "avg-friction",
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

export class DashboardPage {
  readonly kpis: Locator;
  readonly panels: Locator;
  readonly engineStatus: Locator;

  /** `base`: the path the site is served under ("" for the app; "/sbdk-demo" for an export there). */
  constructor(
    readonly page: Page,
    readonly base = "",
  ) {
    this.kpis = page.getByTestId("kpis");
    this.panels = page.locator('[data-testid^="chart-"], [data-testid^="table-"]');
    this.engineStatus = page.getByTestId("engine-status");
  }

  async goto(query = ""): Promise<void> {
    await this.page.goto(query ? `${this.base}/?${query}` : `${this.base}/`);
  }

  kpi(name: KpiName): Locator {
    return this.page.getByTestId(`kpi-${name}`);
  }

  /** The unformatted figure of a tile (its data-value). */
  async kpiNumber(name: KpiName): Promise<number | null> {
    const raw = await this.kpi(name).getAttribute("data-value");
    return raw === null || raw === "" ? null : Number(raw);
  }

  async kpiText(name: KpiName): Promise<string> {
    return (await this.kpi(name).getByTestId("kpi-value").textContent()) ?? "";
  }

  /**
   * Waits until the headline figures and every chart show live DuckDB-WASM results for the
   * filters whose query string is `filterKey` ("" = unfiltered).
   */
  async waitForLive(filterKey: string): Promise<void> {
    await this.page.waitForFunction(
      (key) => {
        const els = [
          ...document.querySelectorAll(
            '[data-testid="kpis"], [data-testid^="chart-"], [data-testid^="table-"]',
          ),
        ];
        return (
          els.length > 1 &&
          els.every(
            (e) =>
              ["ready", "empty", "error"].includes(e.getAttribute("data-state") ?? "") &&
              e.getAttribute("data-source") !== "server" &&
              e.getAttribute("data-filter-key") === key,
          )
        );
      },
      filterKey,
      { timeout: 90_000 },
    );
  }

  /** Ticks an option of the tier, region or model filter. */
  async choose(filter: "tier" | "region" | "model", value: string): Promise<void> {
    const root = this.page.getByTestId(`filter-${filter}`);
    await root.locator("button").first().click();
    await root.getByTestId(`option-${value}`).click();
    await this.page.keyboard.press("Escape");
  }

  async filterSummary(filter: "tier" | "region" | "model"): Promise<string> {
    return (
      (await this.page.getByTestId(`filter-${filter}`).getByTestId("filter-summary").textContent()) ?? ""
    );
  }

  async preset(label: string): Promise<void> {
    await this.page.getByTestId(`preset-${label.toLowerCase().replace(/\s+/g, "-")}`).click();
  }

  async expectNoErrors(): Promise<void> {
    await expect(this.page.getByTestId("error-state")).toHaveCount(0);
  }
}
