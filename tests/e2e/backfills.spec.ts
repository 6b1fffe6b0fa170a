/**
 * The backfill console on the real server and the e2e warehouse: the preview shows the values a
 * backfill would write (checked against the registry's definition) and their histogram, and
 * writes nothing; applying it from the page streams its progress, fills every day, logs the
 * apply and changes the dashboard.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { DuckDBInstance } from "@duckdb/node-api";
import { expect, test } from "@playwright/test";
import { BackfillsPage } from "./pages/backfills-page";
import { DashboardPage } from "./pages/dashboard-page";
import { E2E_DATA, E2E_WAREHOUSE } from "./support/env";

test.describe.configure({ mode: "serial" });

/** The toxicity words and weights of the dbt project (var toxicity_words). */
function toxicityWeights(): Map<string, number> {
  const lines = readFileSync(join(process.cwd(), "dbt", "dbt_project.yml"), "utf8").split("\n");
  const weights = new Map<string, number>();
  for (const line of lines.slice(lines.indexOf("  toxicity_words:") + 1)) {
    if (!line.startsWith("    ")) break;
    const [word, weight] = line.trim().split(": ");
    weights.set(word!, Number(weight));
  }
  return weights;
}

/** prompt_toxicity as the registry describes it: whole words, weights added, capped at 1. */
function expectedToxicity(text: string, weights: Map<string, number>): number {
  const padded = ` ${text.toLowerCase().replace(/[,.;:!?"'()[\]-]/g, " ")} `;
  let score = 0;
  for (const [word, weight] of weights) if (padded.includes(` ${word} `)) score += weight;
  return Math.round(Math.min(1, score) * 100) / 100;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(E2E_WAREHOUSE, { access_mode: "READ_ONLY" });
  try {
    const conn = await instance.connect();
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    instance.closeSync();
  }
}

test("the preview shows the values a backfill would write, and their histogram, without writing", async ({
  page,
}, testInfo) => {
  const before = createHash("sha256").update(readFileSync(E2E_WAREHOUSE)).digest("hex");
  const backfills = new BackfillsPage(page);
  await backfills.goto();
  for (const name of [
    "prompt_toxicity",
    "user_lifetime_value",
    "session_engagement_score",
    "generation_quality_flag",
  ]) {
    await expect(backfills.card(name)).toHaveAttribute("data-state", "not_applied");
  }
  await backfills.openPreview("prompt_toxicity");
  const [{ n: prompts }] = (await query("select count(*)::integer as n from marts.dim_prompts")) as [
    { n: number },
  ];
  await expect(page.getByTestId("preview-affected")).toHaveAttribute("data-value", String(prompts));
  await expect(page.getByTestId("preview-null-share")).toHaveAttribute("data-value", "1:0");

  // A histogram of the new values: ten bins of 0.1 holding every prompt, drawn as bars.
  const counts = await backfills.histogramCounts();
  expect(counts).toHaveLength(10);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(prompts);
  expect(counts[0]).toBeGreaterThan(prompts / 2);
  await expect(backfills.histogram.locator('[data-mark="bar"]').first()).toBeVisible();

  // Sample rows: no value yet, and the value the registry's definition gives their text.
  const weights = toxicityWeights();
  const rows = await backfills.samples.all();
  expect(rows.length).toBeGreaterThan(2);
  let toxic = 0;
  for (const row of rows) {
    await expect(row).toHaveAttribute("data-old", "");
    const text = (await row.locator("td").last().getAttribute("title")) ?? "";
    const value = Number(await row.getAttribute("data-new"));
    expect(value, text).toBeCloseTo(expectedToxicity(text, weights), 9);
    if (value > 0) toxic += 1;
  }
  expect(toxic, "the samples show the rare toxic prompts too").toBeGreaterThan(0);
  await expect(page.getByTestId("preview-downstream-models")).toContainText("agg_backfills_daily");
  await page.screenshot({ path: testInfo.outputPath("backfills-preview.png"), fullPage: true });
  expect(createHash("sha256").update(readFileSync(E2E_WAREHOUSE)).digest("hex")).toBe(before);
});

test("applying from the page streams its progress, fills every day, logs it and changes the dashboard", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(420_000);
  const dashboard = new DashboardPage(page);
  await dashboard.goto();
  const tile = page.getByTestId("backfill-metric-prompt_toxicity");
  await expect(tile).toHaveAttribute("data-state", "not_applied", { timeout: 60_000 });

  const backfills = new BackfillsPage(page);
  await backfills.goto();
  await backfills.openPreview("prompt_toxicity");
  await page.getByTestId("batch-days").fill("5");
  await expect(backfills.preview).toHaveAttribute("data-state", "ready", { timeout: 60_000 });
  await backfills.applyButton.click();
  await expect(backfills.progress).toBeVisible();
  await expect(backfills.progress).toHaveAttribute("data-days-planned", String(E2E_DATA.days), {
    timeout: 120_000,
  });

  // One writer: a pipeline run asked for meanwhile is refused.
  const run = await request.post("/api/runs", { data: {} });
  expect(run.status()).toBe(409);
  expect(((await run.json()) as { error: { message: string } }).error.message).toContain("prompt_toxicity");

  await expect(backfills.progress).toHaveAttribute("data-days-done", "5", { timeout: 180_000 });
  await page.screenshot({ path: testInfo.outputPath("backfills-applying.png"), fullPage: true });
  await expect(backfills.progress).toHaveAttribute("data-phase", "done", { timeout: 300_000 });
  await expect(backfills.progress).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("apply-steps")).toContainText(`batch 3/3`);

  // The page, rendered again, reads the new status from the warehouse, and logs the apply.
  await expect(backfills.card("prompt_toxicity")).toHaveAttribute("data-state", "applied", {
    timeout: 30_000,
  });
  await expect(backfills.card("prompt_toxicity")).toHaveAttribute("data-filled-days", String(E2E_DATA.days));
  await expect(backfills.card("user_lifetime_value")).toHaveAttribute("data-state", "not_applied");
  const logged = backfills.logRows("prompt_toxicity").first();
  await expect(logged.getByTestId("apply-status")).toHaveAttribute("data-status", "succeeded");
  await expect(logged.getByTestId("apply-days")).toHaveText(`${E2E_DATA.days}/${E2E_DATA.days}`);
  await expect(logged).toContainText("browser");
  await page.screenshot({ path: testInfo.outputPath("backfills-applied.png"), fullPage: true });

  // Every prompt has its score, and the dashboard shows their mean.
  const [mart] = (await query(
    "select count(*)::integer as n, count(toxicity_score)::integer as filled, avg(toxicity_score) as mean from marts.dim_prompts",
  )) as [{ n: number; filled: number; mean: number }];
  expect(mart.filled).toBe(mart.n);
  await dashboard.goto();
  await expect(tile).toHaveAttribute("data-state", "applied", { timeout: 60_000 });
  await expect(tile).toHaveAttribute("data-filled-rows", String(mart.n));
  expect(Number(await tile.getAttribute("data-value"))).toBeCloseTo(mart.mean, 9);
  await expect(tile.getByTestId("backfill-metric-value")).toHaveText(String(Number(mart.mean.toFixed(3))));
  // The whole page: the tile may be drawn again (the live figures replacing the server's) while
  // a scroll waits for it to be still.
  await page.screenshot({ path: testInfo.outputPath("dashboard-backfilled.png"), fullPage: true });
});
