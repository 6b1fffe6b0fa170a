"use client";
import { formatPercent } from "@/lib/shared/dashboard/format";
import { pct } from "./geometry";
import { BandCursor, CategoryAxisY, Plot, ValueAxisX } from "./plot";

export interface ShareSegment {
  key: string;
  label: string;
  color: string;
}

export interface ShareRow {
  label: string;
  /** Absolute values by segment key; the chart shows each as a share of the row's total. */
  values: Record<string, number>;
  format(n: number): string;
}

/** Share of a row's band its bar fills. */
const BAR = 0.7;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

/** 100% stacked bars: how each measure splits across segments. */
export function ShareBars(props: {
  rows: readonly ShareRow[];
  segments: readonly ShareSegment[];
  height: number;
  /** What the chart shows, for screen readers. */
  label?: string;
}) {
  const { rows, segments } = props;
  const n = rows.length;
  const totals = rows.map((r) => segments.reduce((s, seg) => s + (r.values[seg.key] ?? 0), 0));
  return (
    <Plot
      height={props.height}
      insets={{ top: 0, right: 8, bottom: 26, left: 104 }}
      label={
        props.label ??
        `Split of ${rows.map((r) => r.label).join(", ")} across ${segments.map((s) => s.label).join(", ")}`
      }
      count={n}
      axis="y"
      layout="band"
      frame={
        <>
          <ValueAxisX ticks={TICKS} max={1} format={(v) => formatPercent(v, 0)} />
          <CategoryAxisY labels={rows.map((r, i) => ({ at: (i + 0.5) / n, text: r.label }))} />
        </>
      }
      cursor={(i) => <BandCursor index={i} count={n} axis="y" />}
      tooltip={(i) => {
        const row = rows[i]!;
        const total = totals[i]!;
        return {
          title: row.label,
          lines: segments.map((seg) => ({
            label: seg.label,
            value: `${row.format(row.values[seg.key] ?? 0)} · ${formatPercent(total ? (row.values[seg.key] ?? 0) / total : null)}`,
            color: seg.color,
          })),
          note: `Total ${row.format(total)}`,
        };
      }}
      anchor={() => 0.5}
    >
      {rows.map((r, i) => {
        const total = totals[i]!;
        // The first and the last segment with a value get the rounded ends.
        const shown = segments.filter((seg) => total && (r.values[seg.key] ?? 0) > 0);
        let left = 0;
        return (
          <div
            key={r.label}
            className="absolute inset-x-0"
            style={{ top: pct((i + (1 - BAR) / 2) / n), height: pct(BAR / n) }}
          >
            {shown.map((seg, j) => {
              const share = (r.values[seg.key] ?? 0) / total;
              const style = { left: pct(left), width: pct(share), background: seg.color };
              left += share;
              return (
                <div
                  key={seg.key}
                  data-mark="bar"
                  className={`absolute inset-y-0${j === 0 ? " rounded-l-[3px]" : ""}${j === shown.length - 1 ? " rounded-r-[3px]" : ""}`}
                  style={style}
                />
              );
            })}
          </div>
        );
      })}
    </Plot>
  );
}
