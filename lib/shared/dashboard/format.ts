/** Number and date formats of the dashboard, the same on the server's first render and live. */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const usdCents = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
});
// minimumFractionDigits spelled out: left to the currency's default, Node's ICU writes "$1.0K"
// where Chromium's writes "$1K", and the server's first render would not match the browser's.
const usdCompact = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  notation: "compact",
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});

const dash = "–";

export function formatInteger(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? dash : integer.format(n);
}

export function formatCompact(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? dash : compact.format(n);
}

export function formatDecimal(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? dash : oneDecimal.format(n);
}

/** A 0–1 share as a percentage with one decimal. */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return dash;
  return `${(share * 100).toFixed(digits)}%`;
}

/** A change as a signed percentage ("+4.2%", "−3.0%"). */
export function formatChange(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return dash;
  const pct = (share * 100).toFixed(1);
  return share > 0 ? `+${pct}%` : share < 0 ? `−${pct.slice(1)}%` : "0.0%";
}

export function formatUsd(n: number | null | undefined, cents = false): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return dash;
  return cents ? usdCents.format(n) : usd.format(n);
}

export function formatUsdCompact(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? dash : usdCompact.format(n);
}

const monthDay = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const fullDay = new Intl.DateTimeFormat("en-US", {
  weekday: "short",
  month: "short",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

/** "Dec 4" from "2025-12-04". */
export function formatDay(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : monthDay.format(d);
}

/** "Thu, Dec 4, 2025" from "2025-12-04". */
export function formatDayLong(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : fullDay.format(d);
}
