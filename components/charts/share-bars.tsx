"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatPercent } from "@/lib/shared/dashboard/format";
import { TooltipCard, hoveredRow, type TooltipContent } from "./chart-tooltip";
import { axisProps, palette } from "./palette";

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

/** 100% stacked bars: how each measure splits across segments. */
export function ShareBars(props: {
  rows: readonly ShareRow[];
  segments: readonly ShareSegment[];
  height: number;
}) {
  const data = props.rows.map((r) => {
    const total = props.segments.reduce((s, seg) => s + (r.values[seg.key] ?? 0), 0);
    const out: Record<string, unknown> = { label: r.label, row: r, total };
    for (const seg of props.segments) out[seg.key] = total ? (r.values[seg.key] ?? 0) / total : 0;
    return out;
  });
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <BarChart
        data={data}
        layout="vertical"
        margin={{ top: 0, right: 8, bottom: 0, left: 0 }}
        barCategoryGap="30%"
      >
        <CartesianGrid horizontal={false} stroke={palette.grid} />
        <XAxis
          type="number"
          {...axisProps}
          domain={[0, 1]}
          ticks={[0, 0.25, 0.5, 0.75, 1]}
          tickFormatter={(v: number) => formatPercent(v, 0)}
        />
        <YAxis
          type="category"
          dataKey="label"
          {...axisProps}
          axisLine={false}
          width={104}
          tick={{ fill: palette.text, fontSize: 12 }}
        />
        <Tooltip
          cursor={{ fill: "rgba(24,24,27,0.04)" }}
          content={(p: TooltipContent<{ row: ShareRow; total: number }>) => {
            const hovered = hoveredRow(p);
            if (!hovered) return null;
            const { row, total } = hovered;
            return (
              <TooltipCard
                title={row.label}
                lines={[...props.segments].map((seg) => ({
                  label: seg.label,
                  value: `${row.format(row.values[seg.key] ?? 0)} · ${formatPercent(total ? (row.values[seg.key] ?? 0) / total : null)}`,
                  color: seg.color,
                }))}
                note={`Total ${row.format(total)}`}
              />
            );
          }}
        />
        {props.segments.map((seg, i) => (
          <Bar
            key={seg.key}
            dataKey={seg.key}
            name={seg.label}
            stackId="share"
            fill={seg.color}
            isAnimationActive={false}
            radius={i === props.segments.length - 1 ? [0, 3, 3, 0] : i === 0 ? [3, 0, 0, 3] : 0}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
