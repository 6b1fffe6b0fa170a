/** Page objects of pipeline runs: the header's run button and live panel, the runs pages. */
import { expect, type Locator, type Page } from "@playwright/test";
import type { RunStageKey, RunStatus } from "../../../lib/shared/runs";

/** The "Run pipeline" button and the panel it opens, on any page of the app. */
export class RunPanel {
  readonly button: Locator;
  readonly panel: Locator;

  constructor(readonly page: Page) {
    this.button = page.getByTestId("run-button");
    this.panel = page.getByTestId("run-panel");
  }

  /** Clicks Run pipeline and returns the id of the run the panel follows. */
  async start(): Promise<string> {
    await this.button.click();
    await expect(this.panel).toBeVisible();
    await expect(this.panel).not.toHaveAttribute("data-run-id", "");
    return (await this.panel.getAttribute("data-run-id")) ?? "";
  }

  stage(key: RunStageKey): Locator {
    return this.panel.getByTestId(`run-stage-${key}`);
  }

  async counts(key: RunStageKey): Promise<string> {
    return (await this.stage(key).getByTestId("stage-counts").textContent()) ?? "";
  }

  async expectStatus(status: RunStatus, timeout = 60_000): Promise<void> {
    await expect(this.panel).toHaveAttribute("data-status", status, { timeout });
  }

  /**
   * Starts recording every text the counts of `key` show, so a test can later read what a
   * person saw while the run went on.
   */
  async recordCounts(key: RunStageKey): Promise<() => Promise<string[]>> {
    const name = `__sbdkCounts_${key}`;
    await this.page.evaluate(
      ([key, name]) => {
        const seen: string[] = [];
        (window as unknown as Record<string, string[]>)[name!] = seen;
        const read = () => {
          const text = document.querySelector(
            `[data-testid="run-stage-${key}"] [data-testid="stage-counts"]`,
          )?.textContent;
          if (text && seen.at(-1) !== text) seen.push(text);
        };
        read();
        new MutationObserver(read).observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      },
      [key, name],
    );
    return () =>
      this.page.evaluate((name) => (window as unknown as Record<string, string[]>)[name] ?? [], name);
  }
}

/** /runs and /runs/<id>. */
export class RunsPage {
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByTestId("runs-table");
  }

  async goto(): Promise<void> {
    await this.page.goto("/runs");
  }

  row(id: string): Locator {
    return this.table.locator("tr", { has: this.page.getByTestId("run-id").filter({ hasText: id }) });
  }

  async open(id: string): Promise<void> {
    await this.row(id).getByTestId("run-id").click();
    await expect(this.page.getByTestId("run-page")).toHaveAttribute("data-run-id", id);
  }

  get log(): Locator {
    return this.page.getByTestId("run-log");
  }
}
