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
import { formatChange, formatDay } from "@/lib/shared/dashboard/format";
import { TooltipCard, hoveredRow, type TooltipContent } from "./chart-tooltip";
import { axisProps, palette } from "./palette";
import { maxOf, niceTicks } from "./ticks";

export interface WeekBar {
  week: string;
  value: number;
  /** Week-over-week change (of the daily average), null for the first week. */
  change: number | null;
  days: number;
}

/** One bar per week with its week-over-week change on top; partial weeks are drawn lighter. */
export function WeeklyBars(props: {
  rows: readonly WeekBar[];
  height: number;
  label: string;
  format(n: number): string;
}) {
  const data = props.rows.map((r) => ({
    ...r,
    changeLabel: r.change === null ? "" : formatChange(r.change),
  }));
  const ticks = niceTicks(maxOf(props.rows, ["value"]));
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <BarChart data={data} margin={{ top: 20, right: 4, bottom: 0, left: 0 }} barCategoryGap="22%">
        <CartesianGrid vertical={false} stroke={palette.grid} />
        <XAxis dataKey="week" {...axisProps} tickFormatter={(w: string) => formatDay(w)} />
        <YAxis
          {...axisProps}
          axisLine={false}
          width={48}
          tickFormatter={props.format}
          ticks={ticks}
          domain={[0, ticks[ticks.length - 1] ?? 1]}
        />
        <Tooltip
          cursor={{ fill: "rgba(24,24,27,0.04)" }}
          content={(p: TooltipContent<WeekBar>) => {
            const row = hoveredRow(p);
            if (!row) return null;
            return (
              <TooltipCard
                title={`Week of ${formatDay(row.week)}`}
                lines={[
                  { label: props.label, value: props.format(row.value), color: palette.primary },
                  { label: "Per day", value: props.format(row.days ? row.value / row.days : 0) },
                  { label: "Week over week", value: formatChange(row.change) },
                ]}
                note={row.days < 7 ? `Partial week: ${row.days} of 7 days` : undefined}
              />
            );
          }}
        />
        <Bar dataKey="value" isAnimationActive={false} radius={[3, 3, 0, 0]}>
          {data.map((r) => (
            <Cell key={r.week} fill={r.days < 7 ? palette.primarySoft : palette.primary} />
          ))}
          <LabelList
            dataKey="changeLabel"
            position="top"
            style={{ fontSize: 10, fill: palette.axis, fontVariantNumeric: "tabular-nums" }}
          />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
