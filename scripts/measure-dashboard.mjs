#!/usr/bin/env node
// Measures the dashboard as a person meets it, in headless Chromium against a running server:
// navigation → first figures, → DuckDB-WASM ready, → every view drawn live, and a filter
// change → every chart updated. Prints figures; asserts nothing (speed is measured, not tested).
//   node scripts/measure-dashboard.mjs [url] [runs]
/* global document */
import { chromium } from "playwright-core";

const url = process.argv[2] ?? "http://127.0.0.1:3000/";
const runs = Number(process.argv[3] ?? 3);
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const args = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Resolves when every panel shows live data for `key` (the filters' query string). */
function allLive(key) {
  const panels = [...document.querySelectorAll("[data-filter-key], [data-state]")].filter((e) =>
    e.hasAttribute("data-state"),
  );
  return (
    panels.length > 0 &&
    panels.every(
      (e) =>
        e.getAttribute("data-state") !== "loading" &&
        e.getAttribute("data-source") !== "server" &&
        e.getAttribute("data-filter-key") === key,
    )
  );
}

async function measure(page, label) {
  const t0 = Date.now();
  await page.goto(url);
  await page
    .waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, {
      timeout: 10_000,
    })
    .catch(() => undefined);
  const nav = await page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null;
    const kpi =
      document.querySelector('[data-testid="kpi-users"] [data-testid="kpi-value"]')?.textContent ?? null;
    return { fcp, kpiInHtml: kpi };
  });
  await page.waitForFunction(allLive, "", { timeout: 120_000 });
  const marks = await page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType("mark")
        .filter((m) => m.name.startsWith("sbdk:"))
        .map((m) => [m.name, { at: Math.round(m.startTime), ...(m.detail ?? {}) }]),
    ),
  );
  const allDrawn = Date.now() - t0;
  // A filter change: tier = pro, through the filter bar.
  await page.getByTestId("filter-tier").locator("button").first().click();
  const t1 = Date.now();
  await page.getByTestId("option-pro").click();
  await page.waitForFunction(allLive, "tier=pro", { timeout: 60_000 });
  const filterChange = Date.now() - t1;
  await page.keyboard.press("Escape");
  const tables = Object.entries(marks)
    .filter(([k]) => k.startsWith("sbdk:table:"))
    .map(([k, v]) => `${k.slice(11)} ${Math.round(v.decodeMs)}+${Math.round(v.insertMs)} ms`);
  console.log(
    `${label}: first figures (FCP, KPIs in HTML: ${nav.kpiInHtml ? "yes" : "no"}) ${Math.round(nav.fcp ?? -1)} ms · ` +
      `DuckDB-WASM ready ${marks["sbdk:duckdb-ready"]?.at ?? "?"} ms · all views live ${allDrawn} ms · ` +
      `filter → charts updated ${filterChange} ms\n    decode+insert: ${tables.join(", ")}`,
  );
}

const browser = await chromium.launch({ executablePath, args });
try {
  for (let i = 1; i <= runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await measure(page, `cold ${i}`);
    await measure(page, `warm ${i}`);
    await context.close();
  }
} finally {
  await browser.close();
}
