/**
 * The simulation player, on a server and warehouse of its own (playwright.config.ts: a
 * simulation starts the warehouse over, so the other specs' data is never touched). A person
 * steps one day and plays two more from the browser; the day under way streams its stages, the
 * timeline grows and the dashboard follows; scrubbing back shows each day's figures, equal to
 * what that day summarised; a second job while one plays is refused; the exported site
 * replays the same days from a plain static server, with nothing that writes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import {
  simulationManifestSchema,
  type DaySummary,
  type SimulationManifest,
} from "../../lib/shared/simulation";
import { DashboardPage } from "./pages/dashboard-page";
import { SimulationPage } from "./pages/simulation-page";
import {
  E2E_DIR,
  E2E_SIM_CONFIG,
  E2E_SIM_DATA,
  E2E_SIM_DIR,
  E2E_SIM_PUBLISH,
  SIM_BASE_URL,
  SIM_STATIC_PORT,
} from "./support/env";

test.describe.configure({ mode: "serial" });
test.use({ baseURL: SIM_BASE_URL });

/**
 * A retry runs the file again from its first test, which starts from no simulation at all. So
 * a retry first stops what the failed attempt left playing, then removes everything of the
 * simulation's server but its config: warehouse, publish, run history, dbt state, as
 * playwright.config.ts left the folder (the server opens them anew for every request).
 */
test.beforeAll(async ({ playwright }, testInfo) => {
  if (testInfo.retry === 0) return;
  testInfo.setTimeout(360_000);
  const api = await playwright.request.newContext({ baseURL: SIM_BASE_URL });
  try {
    await api.post("/api/simulation/pause", { data: { now: true } });
    await expect
      .poll(
        async () => {
          const list = (await (await api.get("/api/runs")).json()) as { active: unknown; queued: number };
          return list.active === null && list.queued === 0;
        },
        { timeout: 300_000 },
      )
      .toBe(true);
  } finally {
    await api.dispose();
  }
  for (const name of readdirSync(E2E_SIM_DIR)) {
    if (join(E2E_SIM_DIR, name) !== E2E_SIM_CONFIG)
      rmSync(join(E2E_SIM_DIR, name), { recursive: true, force: true });
  }
});

function simulationJson(): SimulationManifest {
  return simulationManifestSchema.parse(
    JSON.parse(readFileSync(join(E2E_SIM_PUBLISH, "simulation.json"), "utf8")),
  );
}

/** What the dashboard of day `day` must show: the sums of every day up to it. */
function throughDay(sim: SimulationManifest, day: number) {
  const days = sim.days.filter((d) => d.day <= day).map((d) => d.summary);
  const sum = (pick: (d: DaySummary) => number) => days.reduce((a, d) => a + pick(d), 0);
  return {
    generations: sum((d) => d.generations),
    sessions: sum((d) => d.sessions),
    revenue: sum((d) => d.revenue_usd),
    successRate: sum((d) => d.successful_generations) / sum((d) => d.generations),
  };
}

function publishedAt(sim: SimulationManifest, day: number): string {
  const at = sim.days.find((d) => d.day === day)?.published_at;
  if (!at) throw new Error(`day ${day} is not in simulation.json`);
  return at;
}

async function postSimulation(request: APIRequestContext, data: unknown) {
  const res = await request.post("/api/simulation", { data });
  return { status: res.status(), json: (await res.json()) as Record<string, unknown> };
}

test("steps one day, then plays two: the day streams its stages, the timeline grows, the charts change", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(600_000);
  const player = new SimulationPage(page);
  await player.goto();
  await expect(player.status).toHaveAttribute("data-state", "idle");
  await expect(player.status).toContainText("No simulation yet");
  await expect(player.days).toHaveCount(0);

  // A bad body is refused with the field that was wrong, and starts nothing.
  const bad = await postSimulation(request, { action: "play", days: 0 });
  expect(bad.status).toBe(400);
  expect(bad.json.error).toMatchObject({ code: "invalid:simulate", field: "days" });

  // Step: day 1 of a new simulation, its stages live.
  await player.button("step").click();
  await expect(player.status).toHaveAttribute("data-state", "playing");
  await expect(player.stage("models")).toHaveAttribute("data-status", "running", { timeout: 120_000 });
  await page.screenshot({ path: testInfo.outputPath("simulate-day-under-way.png") });
  await player.waitForDays(1);
  let sim = simulationJson();
  expect(sim.seed).toBe(E2E_SIM_DATA.seed);
  expect(sim.days.map((d) => [d.day, d.date])).toEqual([[1, E2E_SIM_DATA.start_date]]);
  await player.waitForDay(1, publishedAt(sim, 1));
  const day1 = throughDay(sim, 1);
  expect(await player.kpi("generations")).toBe(day1.generations);
  expect(await player.kpi("sessions")).toBe(day1.sessions);
  expect(await player.dayFigure("new-users")).toBe(sim.days[0]!.summary.new_users);
  await expect(page.getByTestId("weekly-rows").locator("tbody tr")).toHaveCount(1);

  // Play two days; while they play, another job is refused, naming the one that runs.
  await player.play(2);
  await expect(player.status).toHaveAttribute("data-state", "playing");
  const again = await postSimulation(request, { action: "play", days: 1 });
  expect(again.status).toBe(409);
  expect(again.json.activeKind).toBe("simulation");
  expect(typeof again.json.activeRunId).toBe("string");
  expect((again.json.error as { message: string }).message).toMatch(
    new RegExp(`^simulation job ${String(again.json.activeRunId)} \\(play 2 days`),
  );
  const run = await request.post("/api/runs", { data: {} });
  expect(run.status()).toBe(409);
  await player.waitForDays(3);

  // The dashboard follows the newest day: three days' figures, and a second week.
  sim = simulationJson();
  expect(sim.days.map((d) => d.day)).toEqual([1, 2, 3]);
  await player.waitForDay(3, publishedAt(sim, 3));
  const day3 = throughDay(sim, 3);
  expect(await player.kpi("generations")).toBe(day3.generations);
  expect(await player.kpi("generations")).toBeGreaterThan(day1.generations);
  expect(await player.kpi("sessions")).toBe(day3.sessions);
  expect(await player.kpi("revenue-usd")).toBeCloseTo(day3.revenue, 6);
  await expect(page.getByTestId("weekly-rows").locator("tbody tr")).toHaveCount(2);
  for (const d of sim.days) {
    const status = d.summary.tests!.failed ? "failed" : d.summary.tests!.warned ? "warned" : "passed";
    await expect(player.day(d.day)).toHaveAttribute("data-tests", status);
  }
  await page.screenshot({ path: testInfo.outputPath("simulate-three-days.png"), fullPage: true });
});

test("scrubbing back shows each day's figures as that day summarised them", async ({ page }) => {
  test.setTimeout(180_000);
  const sim = simulationJson();
  const player = new SimulationPage(page);
  await player.goto();
  await player.waitForDay(3, publishedAt(sim, 3));

  await player.day(1).click();
  await player.waitForDay(1, publishedAt(sim, 1));
  await expect(page).toHaveURL(/[?&]day=1\b/);
  const day1 = throughDay(sim, 1);
  expect(await player.kpi("generations")).toBe(day1.generations);
  expect(await player.kpi("sessions")).toBe(day1.sessions);
  expect(await player.kpi("revenue-usd")).toBeCloseTo(day1.revenue, 6);
  expect(await player.kpi("success-rate")).toBeCloseTo(day1.successRate, 9);
  expect(await player.dayFigure("generations")).toBe(sim.days[0]!.summary.generations);
  expect(await player.dayFigure("revenue")).toBe(sim.days[0]!.summary.revenue_usd);

  // The scrubber and the keyboard move a day at a time.
  await page.getByTestId("day-scrubber").fill("2");
  await player.waitForDay(2, publishedAt(sim, 2));
  expect(await player.kpi("generations")).toBe(throughDay(sim, 2).generations);
  await player.timeline.focus();
  await page.keyboard.press("ArrowLeft");
  await player.waitForDay(1, publishedAt(sim, 1));

  // A link opens its day, drawn first by the server.
  await player.goto("day=2");
  await expect(player.selectedDay).toHaveAttribute("data-day", "2");
  await player.waitForDay(2, publishedAt(sim, 2));
  expect(await player.kpi("sessions")).toBe(throughDay(sim, 2).sessions);
});

test("the runs page lists the simulation jobs with their kind", async ({ page }) => {
  await page.goto("/runs");
  const kinds = page.getByTestId("run-kind");
  await expect(kinds.filter({ hasText: "simulation" })).toHaveCount(2);
  await expect(kinds.filter({ hasText: "step one day" })).toHaveCount(1);
  await expect(kinds.filter({ hasText: "play 2 days" })).toHaveCount(1);
});

test.describe("the exported replay", () => {
  const BASE = "/sim-replay";
  const ROOT = join(E2E_DIR, "sim-static-root");
  const SITE = join(ROOT, BASE.slice(1));
  const ORIGIN = `http://127.0.0.1:${SIM_STATIC_PORT}`;
  let server: ChildProcess | null = null;
  let exportOutput = "";

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    const res = spawnSync(
      process.execPath,
      ["bin/sbdk.mjs", "export", "--config", E2E_SIM_CONFIG, "--base-path", BASE, "--out", SITE],
      { encoding: "utf8", env: { ...process.env, SBDK_CONFIG: E2E_SIM_CONFIG } },
    );
    exportOutput = `${res.stdout}\n${res.stderr}`;
    if (res.status !== 0) throw new Error(`sbdk export exited ${res.status}\n${exportOutput}`.slice(-4000));
    server = spawn(
      "python3",
      ["-m", "http.server", String(SIM_STATIC_PORT), "--bind", "127.0.0.1", "-d", ROOT],
      {
        stdio: "ignore",
      },
    );
    for (let i = 0; i < 100; i += 1) {
      if (
        await fetch(`${ORIGIN}${BASE}/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the static server did not start");
  });

  test.afterAll(() => {
    server?.kill();
  });

  test("carries simulation.json and every day's snapshot, each file under 25 MiB", () => {
    expect(exportOutput).toMatch(/with the replay of sim-\S+ \(3 day\(s\)\) at \/sim-replay\/simulate\//);
    const files = (dir: string): { path: string; bytes: number }[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? files(join(dir, e.name))
          : [{ path: join(dir, e.name), bytes: statSync(join(dir, e.name)).size }],
      );
    const all = files(SITE);
    for (const f of all) expect(f.bytes, f.path).toBeLessThanOrEqual(25 * 1024 * 1024);
    const sim = simulationJson();
    const names = new Set(all.map((f) => f.path.slice(SITE.length + 1)));
    expect(names).toContain("published/simulation.json");
    expect(names).toContain("simulate/index.html");
    for (const day of sim.days) {
      expect(names).toContain(`published/${day.manifest}`);
      for (const file of day.files) expect(names).toContain(`published/${file.file}`);
    }
  });

  test("replays the days read-only: the timeline, scrubbing and a link's day", async ({ page }, testInfo) => {
    test.setTimeout(180_000);
    const sim = simulationJson();
    const overview = new DashboardPage(page, `${ORIGIN}${BASE}`);
    await overview.goto();
    await page.getByRole("link", { name: "Simulation" }).click();
    const player = new SimulationPage(page, `${ORIGIN}${BASE}`);
    await expect(player.root).toHaveAttribute("data-mode", "replay");
    await expect(player.days).toHaveCount(3);
    // Nothing here writes.
    await expect(page.getByTestId("controls")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /step|play|pause|start over|run pipeline/i })).toHaveCount(
      0,
    );
    await player.waitForDay(3, publishedAt(sim, 3));
    expect(await player.kpi("generations")).toBe(throughDay(sim, 3).generations);

    await player.day(1).click();
    await player.waitForDay(1, publishedAt(sim, 1));
    expect(await player.kpi("generations")).toBe(throughDay(sim, 1).generations);
    expect(await player.kpi("revenue-usd")).toBeCloseTo(throughDay(sim, 1).revenue, 6);
    const path = testInfo.outputPath("export-replay.png");
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach("export-replay", { path, contentType: "image/png" });

    await player.goto("day=2");
    await player.waitForDay(2, publishedAt(sim, 2));
    expect(await player.kpi("sessions")).toBe(throughDay(sim, 2).sessions);
  });
});
