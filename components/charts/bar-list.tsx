"use client";
import type { TooltipLine } from "./chart-tooltip";
import { pct } from "./geometry";
import { palette } from "./palette";
import { BandCursor, CategoryAxisY, Plot, ValueAxisX } from "./plot";
import { maxOf, niceTicks } from "./ticks";

export interface BarListRow {
  key: string;
  label: string;
  value: number;
  color?: string;
  tooltip: TooltipLine[];
}

/** Share of a row's band its bar fills. */
const BAR = 0.72;

/** Horizontal bars, one per category, with the value printed at the end of each. */
export function BarList(props: {
  rows: readonly BarListRow[];
  height: number;
  format(n: number): string;
  /** Axis ticks, when they read better rounder than the values. */
  formatAxis?(n: number): string;
  domainMax?: number;
  color?: string;
  /** What the chart shows, for screen readers. */
  label?: string;
}) {
  const { rows } = props;
  const n = rows.length;
  const ticks = niceTicks(props.domainMax ?? maxOf(rows, ["value"]), 5);
  const max = props.domainMax ?? ticks[ticks.length - 1] ?? 1;
  return (
    <Plot
      height={props.height}
      insets={{ top: 0, right: 44, bottom: 26, left: 76 }}
      label={props.label ?? rows.map((r) => r.label).join(", ")}
      count={n}
      axis="y"
      layout="band"
      frame={
        <>
          <ValueAxisX
            ticks={ticks.filter((t) => t <= max)}
            max={max}
            format={props.formatAxis ?? props.format}
          />
          <CategoryAxisY labels={rows.map((r, i) => ({ at: (i + 0.5) / n, text: r.label }))} />
        </>
      }
      cursor={(i) => <BandCursor index={i} count={n} axis="y" />}
      tooltip={(i) => ({ title: rows[i]!.label, lines: rows[i]!.tooltip })}
      anchor={(i) => Math.min(1, rows[i]!.value / max)}
    >
      {rows.map((r, i) => {
        const width = Math.min(1, Math.max(0, r.value / max));
        return (
          <div
            key={r.key}
            className="absolute"
            style={{ top: pct((i + (1 - BAR) / 2) / n), height: pct(BAR / n), left: 0, right: 0 }}
          >
            <div
              data-mark="bar"
              className="absolute inset-y-0 left-0 rounded-r-[3px]"
              style={{ width: pct(width), background: r.color ?? props.color ?? palette.primary }}
            />
            <span
              className="absolute top-1/2 -translate-y-1/2 pl-1.5 text-[11px] leading-none text-zinc-700 tabular-nums"
              style={{ left: pct(width) }}
            >
              {props.format(r.value)}
            </span>
          </div>
        );
      })}
    </Plot>
  );
}
