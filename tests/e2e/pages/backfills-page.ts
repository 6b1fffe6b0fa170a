/** Page object of the backfill console (/backfills): the cards, the preview, the apply, the log. */
import { expect, type Locator, type Page } from "@playwright/test";

export class BackfillsPage {
  readonly preview: Locator;
  readonly histogram: Locator;
  readonly samples: Locator;
  readonly applyButton: Locator;
  readonly progress: Locator;
  readonly log: Locator;

  constructor(readonly page: Page) {
    this.preview = page.getByTestId("backfill-preview");
    this.histogram = page.getByTestId("preview-histogram");
    this.samples = page.getByTestId("preview-sample");
    this.applyButton = page.getByTestId("apply-button");
    this.progress = page.getByTestId("apply-progress");
    this.log = page.getByTestId("apply-log");
  }

  async goto(): Promise<void> {
    await this.page.goto("/backfills");
  }

  card(name: string): Locator {
    return this.page.getByTestId(`backfill-card-${name}`);
  }

  /** Opens the preview of a backfill and waits for it to be computed. */
  async openPreview(name: string): Promise<void> {
    await this.page.getByTestId(`preview-${name}`).click();
    await expect(this.preview).toHaveAttribute("data-backfill", name);
    await expect(this.preview).toHaveAttribute("data-state", "ready", { timeout: 60_000 });
  }

  /** The bin counts (number backfills) the histogram draws. */
  async histogramCounts(): Promise<number[]> {
    return JSON.parse((await this.histogram.getAttribute("data-counts")) ?? "[]") as number[];
  }

  logRows(backfill: string): Locator {
    return this.log
      .locator("tbody tr")
      .filter({ has: this.page.getByTestId("apply-backfill").getByText(backfill, { exact: true }) });
  }
}
