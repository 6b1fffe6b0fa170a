"use client";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { TooltipCard, hoveredRow, type TooltipContent, type TooltipLine } from "./chart-tooltip";
import { axisProps, palette } from "./palette";
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
}) {
  const ticks = niceTicks(maxOf(props.rows, ["value"]));
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <BarChart
        data={props.rows as HistogramRow[]}
        barCategoryGap={1}
        margin={{ top: 4, right: 4, bottom: 14, left: 0 }}
      >
        <CartesianGrid vertical={false} stroke={palette.grid} />
        <XAxis
          dataKey="start"
          {...axisProps}
          tickFormatter={(v: number) => String(v)}
          interval={1}
          label={{
            value: props.xLabel,
            position: "insideBottom",
            offset: -10,
            fill: palette.axis,
            fontSize: 11,
          }}
        />
        <YAxis
          {...axisProps}
          axisLine={false}
          width={44}
          tickFormatter={props.formatY}
          ticks={ticks}
          domain={[0, ticks[ticks.length - 1] ?? 1]}
        />
        <Tooltip
          cursor={{ fill: "rgba(24,24,27,0.04)" }}
          content={(p: TooltipContent<HistogramRow>) => {
            const row = hoveredRow(p);
            return row ? <TooltipCard title={row.tooltip.title} lines={row.tooltip.lines} /> : null;
          }}
        />
        <Bar dataKey="value" isAnimationActive={false} radius={[3, 3, 0, 0]}>
          {props.rows.map((r) => (
            <Cell key={r.start} fill={r.color} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
