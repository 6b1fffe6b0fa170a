"use client";
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatDay, formatDayLong } from "@/lib/shared/dashboard/format";
import { TooltipCard, hoveredRow, type TooltipContent } from "./chart-tooltip";
import { axisProps, palette } from "./palette";
import { maxOf, niceTicks } from "./ticks";

export interface Series {
  key: string;
  label: string;
  color: string;
  kind: "line" | "area" | "bar";
  /** Series with the same stack id are stacked. */
  stack?: string;
  axis?: "left" | "right";
}

interface Row {
  day: string;
}

/** Measures by day: lines, areas or bars on one or two value axes, with a shared tooltip. */
export function TimeSeries(props: {
  /** One object per day with a `day` (YYYY-MM-DD) and a number per series key. */
  rows: readonly Row[];
  series: readonly Series[];
  height: number;
  formatLeft(n: number): string;
  formatRight?(n: number): string;
  /** Adds a total line to the tooltip of stacked series. */
  tooltipTotal?: string;
}) {
  const hasRight = props.series.some((s) => s.axis === "right");
  const axisTicks = (axis: "left" | "right") => {
    const series = props.series.filter((s) => (s.axis ?? "left") === axis);
    const stacked = series.some((s) => s.stack);
    return niceTicks(
      maxOf(
        props.rows,
        series.map((s) => s.key),
        stacked,
      ),
    );
  };
  const leftTicks = axisTicks("left");
  const rightTicks = hasRight ? axisTicks("right") : [];
  const format = (s: Series, v: unknown) =>
    (s.axis === "right" && props.formatRight ? props.formatRight : props.formatLeft)(Number(v));
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <ComposedChart
        data={props.rows as Row[]}
        margin={{ top: 6, right: hasRight ? 0 : 8, bottom: 0, left: 0 }}
      >
        <CartesianGrid vertical={false} stroke={palette.grid} />
        <XAxis dataKey="day" {...axisProps} tickFormatter={formatDay} minTickGap={24} />
        <YAxis
          yAxisId="left"
          {...axisProps}
          axisLine={false}
          width={52}
          tickFormatter={props.formatLeft}
          ticks={leftTicks}
          domain={[0, leftTicks[leftTicks.length - 1] ?? 1]}
        />
        {hasRight ? (
          <YAxis
            yAxisId="right"
            orientation="right"
            {...axisProps}
            axisLine={false}
            width={44}
            tickFormatter={props.formatRight}
            ticks={rightTicks}
            domain={[0, rightTicks[rightTicks.length - 1] ?? 1]}
          />
        ) : null}
        <Tooltip
          cursor={{ stroke: palette.axis, strokeDasharray: "3 3" }}
          content={(p: TooltipContent<Row>) => {
            const row = hoveredRow(p);
            if (!row) return null;
            const lines = [...props.series].reverse().map((s) => ({
              label: s.label,
              value: format(s, (row as unknown as Record<string, unknown>)[s.key]),
              color: s.color,
            }));
            if (props.tooltipTotal) {
              const values = row as unknown as Record<string, unknown>;
              const total = props.series.reduce((sum, s) => sum + Number(values[s.key] ?? 0), 0);
              lines.push({ label: props.tooltipTotal, value: props.formatLeft(total), color: "" });
            }
            return <TooltipCard title={formatDayLong(row.day)} lines={lines} />;
          }}
        />
        {props.series.map((s) => {
          const common = {
            dataKey: s.key,
            name: s.label,
            yAxisId: s.axis ?? "left",
            isAnimationActive: false,
          };
          if (s.kind === "bar") {
            return (
              <Bar
                key={s.key}
                {...common}
                stackId={s.stack}
                fill={s.color}
                radius={s.stack ? 0 : [2, 2, 0, 0]}
              />
            );
          }
          if (s.kind === "area") {
            return (
              <Area
                key={s.key}
                {...common}
                type="monotone"
                stackId={s.stack}
                stroke={s.color}
                fill={s.color}
                fillOpacity={s.stack ? 0.85 : 0.12}
                strokeWidth={s.stack ? 1 : 2}
              />
            );
          }
          // A line is drawn as an area without fill: recharts' Line measures its path
          // (getTotalLength, a forced layout) on every render, about 13 ms of CPU per filter
          // change on the 2-core development machine.
          return (
            <Area
              key={s.key}
              {...common}
              type="monotone"
              stroke={s.color}
              fill="none"
              strokeWidth={2}
              dot={false}
            />
          );
        })}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
