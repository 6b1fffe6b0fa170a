/** Page object of the data-quality page: what a person sees and does, by data-testid. */
import { expect, type Locator, type Page } from "@playwright/test";

export type SummaryTile = "tests" | "passed" | "warned" | "failed" | "skipped" | "models" | "runtime";

export class QualityPage {
  readonly report: Locator;
  readonly testRows: Locator;
  readonly lineageNodes: Locator;
  readonly lineageEdges: Locator;
  readonly timingRows: Locator;

  /** `base`: the path the site is served under ("" for the app; "/sbdk-demo" for an export there). */
  constructor(
    readonly page: Page,
    readonly base = "",
  ) {
    this.report = page.getByTestId("quality-report");
    this.testRows = page.getByTestId("tests-table").getByTestId("test-row");
    this.lineageNodes = page.getByTestId("lineage-node");
    this.lineageEdges = page.getByTestId("lineage-edge");
    this.timingRows = page.getByTestId("timing-row");
  }

  /** Opens the page and waits until the browser has taken it over (clicks work). */
  async goto(query = ""): Promise<void> {
    await this.page.goto(query ? `${this.base}/quality?${query}` : `${this.base}/quality`);
    await this.waitForInteractive();
  }

  async waitForInteractive(): Promise<void> {
    await expect(this.page.getByTestId("quality-explorer")).toHaveAttribute("data-interactive", "true");
  }

  /** The unformatted figure of a summary tile (its data-value). */
  async summaryNumber(tile: SummaryTile): Promise<number> {
    return Number(await this.page.getByTestId(`summary-${tile}`).getAttribute("data-value"));
  }

  async summaryText(tile: SummaryTile): Promise<string> {
    return (await this.page.getByTestId(`summary-${tile}`).getByTestId("summary-value").textContent()) ?? "";
  }

  testRow(name: string): Locator {
    return this.testRows.and(this.page.locator(`[data-test-name="${name}"]`));
  }

  /** The unique_ids of the tests the table shows, in order. */
  async shownTestIds(): Promise<string[]> {
    return this.testRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-test-id") ?? ""));
  }

  async shownAttribute(name: "data-status" | "data-model"): Promise<string[]> {
    return this.testRows.evaluateAll((rows, n) => rows.map((r) => r.getAttribute(n) ?? ""), name);
  }

  /** Opens a failing or warned test; returns its details (message, failing rows). */
  async openDetails(name: string): Promise<Locator> {
    await this.testRow(name).getByTestId("toggle-details").click();
    const id = await this.testRow(name).getAttribute("data-test-id");
    const details = this.page.locator(`[data-testid="test-details-row"][data-test-id="${id}"]`);
    await expect(details).toBeVisible();
    return details;
  }

  /** A failing-rows table as header and cell texts. */
  async failingRows(details: Locator): Promise<{ columns: string[]; rows: string[][] }> {
    const table = details.getByTestId("failing-rows");
    return {
      columns: await table.locator("thead th").allTextContents(),
      rows: await table
        .locator("tbody tr")
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
        ),
    };
  }

  node(name: string): Locator {
    return this.page.locator(`[data-testid="lineage-node"][data-name="${name}"]`);
  }

  async outcome(outcome: "all" | "failed" | "warned" | "passed" | "skipped"): Promise<void> {
    await this.page.getByTestId(`outcome-${outcome}`).click();
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId("test-search").fill(text);
  }

  async modelFilterSummary(): Promise<string> {
    return (await this.page.getByTestId("filter-models").getByTestId("filter-summary").textContent()) ?? "";
  }
}
