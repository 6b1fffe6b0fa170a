import "server-only";
/**
 * The GitHub deliveries a webhook has already acted on, so a replayed request (the same
 * X-GitHub-Delivery id, signature and all) starts nothing a second time. One small file per
 * delivery in `<warehouse folder>/runs/webhook-deliveries/`: creating it is the claim (atomic,
 * also between processes), so of two requests with one id exactly one wins. It survives a
 * restart of the server and keeps the newest MAX_DELIVERIES ids.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "@/lib/shared/config";
import { runsDir } from "../runs/store";

/** How many delivery ids are remembered; older ones are forgotten first. */
export const MAX_DELIVERIES = 1000;

/** GitHub's delivery ids are GUIDs; anything that is not a plain file name is refused. */
export const DELIVERY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface DeliveryClaim {
  /** Forgets the delivery again, so a redelivery is acted on (the first attempt failed). */
  release(): void;
}

export type ClaimResult =
  { claimed: true; claim: DeliveryClaim } | { claimed: false; receivedAt: string | null };

export class DeliveryLog {
  constructor(
    readonly dir: string,
    private readonly max: number = MAX_DELIVERIES,
  ) {}

  static forConfig(config: Pick<Config, "duckdb_path">): DeliveryLog {
    return new DeliveryLog(join(runsDir(config), "webhook-deliveries"));
  }

  /** Claims a delivery id: claimed false when it was received before. */
  claim(id: string, info: { event: string; now: Date }): ClaimResult {
    if (!DELIVERY_ID_PATTERN.test(id)) throw new Error(`not a delivery id: ${id.slice(0, 40)}`);
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, id);
    try {
      writeFileSync(
        file,
        JSON.stringify({ id, event: info.event, received_at: info.now.toISOString() }) + "\n",
        {
          flag: "wx",
        },
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      return { claimed: false, receivedAt: readReceivedAt(file) };
    }
    this.prune();
    let released = false;
    return {
      claimed: true,
      claim: {
        release: () => {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      },
    };
  }

  /** The remembered ids, oldest first. */
  list(): string[] {
    return this.entries().map((e) => e.id);
  }

  private entries(): { id: string; mtime: number }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => DELIVERY_ID_PATTERN.test(n));
    } catch {
      return [];
    }
    const out: { id: string; mtime: number }[] = [];
    for (const id of names) {
      try {
        out.push({ id, mtime: statSync(join(this.dir, id)).mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
    return out.sort((a, b) => a.mtime - b.mtime || a.id.localeCompare(b.id));
  }

  /** Forgets the oldest ids once there are a tenth more than the bound (so not on every claim). */
  private prune(): void {
    let count: number;
    try {
      count = readdirSync(this.dir).length;
    } catch {
      return;
    }
    if (count <= this.max + Math.ceil(this.max / 10)) return;
    const entries = this.entries();
    for (const { id } of entries.slice(0, Math.max(0, entries.length - this.max))) {
      rmSync(join(this.dir, id), { force: true });
    }
  }
}

function readReceivedAt(file: string): string | null {
  try {
    const value = (JSON.parse(readFileSync(file, "utf8")) as { received_at?: unknown }).received_at;
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}
