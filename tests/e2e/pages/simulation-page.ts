/** Page object of the simulation player (/simulate): its buttons, the day under way, the timeline. */
import { expect, type Locator, type Page } from "@playwright/test";
import type { RunStageKey } from "../../../lib/shared/runs";
import type { KpiName } from "./dashboard-page";

export class SimulationPage {
  readonly root: Locator;
  readonly status: Locator;
  readonly timeline: Locator;
  readonly days: Locator;
  readonly selectedDay: Locator;
  readonly dayDashboard: Locator;

  /** `base`: the origin and path the site is served under ("" for the app's own baseURL). */
  constructor(
    readonly page: Page,
    readonly base = "",
  ) {
    this.root = page.getByTestId("simulation-page");
    this.status = page.getByTestId("player-status");
    this.timeline = page.getByTestId("timeline");
    this.days = page.getByTestId("timeline-day");
    this.selectedDay = page.getByTestId("selected-day");
    this.dayDashboard = page.getByTestId("day-dashboard");
  }

  async goto(query = ""): Promise<void> {
    await this.page.goto(`${this.base}/simulate${this.base ? "/" : ""}${query ? `?${query}` : ""}`);
    await expect(this.root).toBeVisible();
  }

  button(name: "step" | "play" | "pause" | "stop" | "reset"): Locator {
    return this.page.getByTestId(`${name}-button`);
  }

  stage(key: RunStageKey): Locator {
    return this.page.getByTestId(`day-stage-${key}`);
  }

  day(n: number): Locator {
    return this.page.locator(`[data-testid="timeline-day"][data-day="${n}"]`);
  }

  /** Waits until the player is idle again with `count` days on the timeline. */
  async waitForDays(count: number, timeout = 240_000): Promise<void> {
    await expect(this.days).toHaveCount(count, { timeout });
    await expect(this.status).toHaveAttribute("data-state", "idle", { timeout: 60_000 });
  }

  async play(days: number): Promise<void> {
    await this.page.getByTestId("play-days").fill(String(days));
    await this.button("play").click();
  }

  /**
   * Waits until the dashboard shows `day` (its publish, `publishedAt`) with live DuckDB-WASM
   * results in the headline figures and every chart.
   */
  async waitForDay(day: number, publishedAt: string): Promise<void> {
    await expect(this.selectedDay).toHaveAttribute("data-day", String(day));
    await expect(this.dayDashboard).toHaveAttribute("data-day", String(day), { timeout: 30_000 });
    await this.page.waitForFunction(
      (publish) => {
        const els = [
          ...document.querySelectorAll(
            '[data-testid="day-dashboard"] [data-testid="kpis"], [data-testid="day-dashboard"] [data-testid^="chart-"], [data-testid="day-dashboard"] [data-testid^="table-"]',
          ),
        ];
        return (
          els.length > 1 &&
          els.every(
            (e) =>
              ["ready", "empty"].includes(e.getAttribute("data-state") ?? "") &&
              e.getAttribute("data-source") === "live" &&
              e.getAttribute("data-publish") === publish,
          )
        );
      },
      publishedAt,
      { timeout: 90_000 },
    );
  }

  /** A headline figure of the day's dashboard (its data-value). */
  async kpi(name: KpiName): Promise<number | null> {
    const raw = await this.dayDashboard.getByTestId(`kpi-${name}`).getAttribute("data-value");
    return raw === null || raw === "" ? null : Number(raw);
  }

  /** A tile of the selected day's own summary. */
  async dayFigure(name: "new-users" | "generations" | "revenue" | "active-users"): Promise<number> {
    return Number(await this.page.getByTestId(`day-${name}`).getAttribute("data-value"));
  }
}
