/**
 * The player's side of the simulation in the browser: its state from the server (GET
 * /api/simulation) or, on the static site, from the published simulation.json; each day's
 * publish manifest, which the dashboard reads to draw that day; and the day in the URL, so a
 * link opens the day it was taken on.
 */
import { PUBLISHED_URL } from "@/lib/shared/dashboard/constants";
import { manifestSchema, type PublishManifest } from "@/lib/shared/manifest";
import { runRecordSchema } from "@/lib/shared/runs";
import {
  parseDayParam,
  SIMULATION_MANIFEST_FILE,
  simulationManifestSchema,
  type SimulationDay,
  type SimulationManifest,
  type SimulationStatus,
} from "@/lib/shared/simulation";

/** The simulation and the active job as the server sees them now; null when it cannot be reached. */
export async function fetchSimulationStatus(): Promise<SimulationStatus | null> {
  try {
    const res = await fetch("/api/simulation", { cache: "no-store" });
    if (!res.ok) return null;
    const json = (await res.json()) as Record<string, unknown>;
    const simulation = json.simulation ? simulationManifestSchema.safeParse(json.simulation) : null;
    const active = json.active ? runRecordSchema.safeParse(json.active) : null;
    return {
      simulation: simulation?.success ? simulation.data : null,
      current: json.current === true,
      active: active?.success ? active.data : null,
      queued: typeof json.queued === "number" ? json.queued : 0,
    };
  } catch {
    return null;
  }
}

/** simulation.json of the publish, read as a static file (the static site has no API). */
export async function fetchPublishedSimulation(): Promise<SimulationManifest | null> {
  try {
    const res = await fetch(`${PUBLISHED_URL}/${SIMULATION_MANIFEST_FILE}`, { cache: "no-store" });
    if (!res.ok) return null;
    const parsed = simulationManifestSchema.safeParse(await res.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const dayManifests = new Map<string, Promise<PublishManifest>>();

/** The publish manifest of a simulated day (its snapshot's tables), fetched once. */
export function loadDayManifest(day: SimulationDay): Promise<PublishManifest> {
  if (!day.manifest) {
    return Promise.reject(
      new Error(`day ${day.day} has no dashboard snapshot; simulate it again to see its dashboard`),
    );
  }
  const key = `${day.manifest}#${day.published_at ?? ""}`;
  let manifest = dayManifests.get(key);
  if (!manifest) {
    manifest = (async () => {
      const res = await fetch(`${PUBLISHED_URL}/${day.manifest}`);
      if (!res.ok) throw new Error(`${day.manifest}: HTTP ${res.status}`);
      const parsed = manifestSchema.safeParse(await res.json());
      if (!parsed.success) throw new Error(`${day.manifest} is not a publish manifest`);
      return parsed.data;
    })();
    manifest.catch(() => dayManifests.delete(key));
    dayManifests.set(key, manifest);
  }
  return manifest;
}

/** The DuckDB-WASM schema a day's tables are loaded into: each day its own, so scrubbing swaps nothing. */
export function daySchema(day: number): string {
  return `day_${String(day).padStart(4, "0")}`;
}

export const DAY_PARAM = "day";

/** The day in the page's URL, or null. */
export function dayFromUrl(): number | null {
  return parseDayParam(new URLSearchParams(window.location.search).get(DAY_PARAM));
}

/** Puts the day in the URL (replacing the entry: scrubbing does not fill the history). */
export function writeDayToUrl(day: number | null): void {
  const params = new URLSearchParams(window.location.search);
  if (day === null) params.delete(DAY_PARAM);
  else params.set(DAY_PARAM, String(day));
  const query = params.toString().replace(/%2C/g, ",");
  const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    window.history.replaceState(window.history.state, "", url);
  }
}
