"use client";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { TooltipCard, hoveredRow, type TooltipContent, type TooltipLine } from "./chart-tooltip";
import { axisProps, palette } from "./palette";

export interface BarListRow {
  key: string;
  label: string;
  value: number;
  color?: string;
  tooltip: TooltipLine[];
}

/** Horizontal bars, one per category, with the value printed at the end of each. */
export function BarList(props: {
  rows: readonly BarListRow[];
  height: number;
  format(n: number): string;
  /** Axis ticks, when they read better rounder than the values. */
  formatAxis?(n: number): string;
  domainMax?: number;
  color?: string;
}) {
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <BarChart
        data={props.rows as BarListRow[]}
        layout="vertical"
        margin={{ top: 0, right: 44, bottom: 0, left: 0 }}
        barCategoryGap="28%"
      >
        <CartesianGrid horizontal={false} stroke={palette.grid} />
        <XAxis
          type="number"
          {...axisProps}
          domain={[0, props.domainMax ?? "auto"]}
          tickFormatter={props.formatAxis ?? props.format}
        />
        <YAxis
          type="category"
          dataKey="label"
          {...axisProps}
          axisLine={false}
          width={76}
          tick={{ fill: palette.text, fontSize: 12 }}
        />
        <Tooltip
          cursor={{ fill: "rgba(24,24,27,0.04)" }}
          content={(p: TooltipContent<BarListRow>) => {
            const row = hoveredRow(p);
            return row ? <TooltipCard title={row.label} lines={row.tooltip} /> : null;
          }}
        />
        <Bar
          dataKey="value"
          isAnimationActive={false}
          radius={[0, 3, 3, 0]}
          fill={props.color ?? palette.primary}
        >
          {props.rows.map((r) => (
            <Cell key={r.key} fill={r.color ?? props.color ?? palette.primary} />
          ))}
          <LabelList
            dataKey="value"
            position="right"
            formatter={(v: unknown) => props.format(Number(v))}
            style={{ fill: palette.text, fontSize: 11, fontVariantNumeric: "tabular-nums" }}
          />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
