"use client";
import type { TooltipLine } from "./chart-tooltip";
import { pct } from "./geometry";
import { BandCursor, CategoryAxisX, Plot, ValueAxisY } from "./plot";
import { maxOf, niceTicks } from "./ticks";

export interface HistogramRow {
  /** Left edge of the bin. */
  start: number;
  end: number;
  value: number;
  color: string;
  tooltip: { title: string; lines: TooltipLine[] };
}

/** Bins side by side on a numeric scale, each with its own colour. */
export function Histogram(props: {
  rows: readonly HistogramRow[];
  height: number;
  xLabel: string;
  formatY(n: number): string;
  /** What the chart shows, for screen readers. */
  label?: string;
}) {
  const { rows } = props;
  const ticks = niceTicks(maxOf(rows, ["value"]));
  const max = ticks[ticks.length - 1] ?? 1;
  const n = rows.length;
  return (
    <Plot
      height={props.height}
      insets={{ top: 8, right: 4, bottom: 40, left: 44 }}
      label={props.label ?? props.xLabel}
      count={n}
      axis="x"
      layout="band"
      frame={
        <>
          <ValueAxisY ticks={ticks} format={props.formatY} side="left" grid />
          <CategoryAxisX
            title={props.xLabel}
            labels={rows.flatMap((r, i) =>
              i % 2 === 0 ? [{ at: (i + 0.5) / n, text: String(r.start) }] : [],
            )}
          />
        </>
      }
      cursor={(i) => <BandCursor index={i} count={n} axis="x" />}
      tooltip={(i) => rows[i]!.tooltip}
      anchor={(i) => 1 - (rows[i]!.value / max) * 0.5}
    >
      {rows.map((r, i) => (
        <div
          key={r.start}
          data-mark="bar"
          className="absolute bottom-0 rounded-t-[3px]"
          style={{
            left: `calc(${pct(i / n)} + 0.5px)`,
            width: `calc(${pct(1 / n)} - 1px)`,
            height: pct(r.value / max),
            background: r.color,
          }}
        />
      ))}
    </Plot>
  );
}
