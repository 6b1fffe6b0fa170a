"use client";
import { formatDay, formatDayLong } from "@/lib/shared/dashboard/format";
import { areaPath, definedRuns, labelledSlots, linePath, pct, slotCenter } from "./geometry";
import { BandCursor, CategoryAxisX, Plot, PointCursor, ValueAxisY } from "./plot";
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

/** The curves are drawn in this box and stretched to the plot (their strokes are not). */
const BOX = 1000;
/** Share of a day's band its bars fill. */
const BAR = 0.8;
/** Day labels on a wide chart; half of them on a narrow one. */
const MAX_LABELS = 16;

interface Drawn {
  series: Series;
  /** Per day: the value, and the bottom and top of its mark as fractions of its axis (0 = bottom). */
  values: (number | null)[];
  base: number[];
  top: number[];
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
  /** What the chart shows, for screen readers. */
  label?: string;
}) {
  const { rows, series } = props;
  const n = rows.length;
  const hasRight = series.some((s) => s.axis === "right");
  const layout = series.some((s) => s.kind === "bar") ? "band" : "point";
  const axisTicks = (axis: "left" | "right") => {
    const on = series.filter((s) => (s.axis ?? "left") === axis);
    return niceTicks(
      maxOf(
        rows,
        on.map((s) => s.key),
        on.some((s) => s.stack),
      ),
    );
  };
  const leftTicks = axisTicks("left");
  const rightTicks = hasRight ? axisTicks("right") : [];
  const maxOfAxis = (s: Series) =>
    (s.axis === "right" ? rightTicks[rightTicks.length - 1] : leftTicks[leftTicks.length - 1]) || 1;
  const value = (row: Row, key: string): number | null => {
    const v = (row as unknown as Record<string, unknown>)[key];
    return v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);
  };

  // Stacks add up in the order of the series.
  const stackTops = new Map<string, number[]>();
  const drawn: Drawn[] = series.map((s) => {
    const max = maxOfAxis(s);
    const values = rows.map((r) => value(r, s.key));
    const below = s.stack ? (stackTops.get(s.stack) ?? rows.map(() => 0)) : rows.map(() => 0);
    const top = values.map((v, i) => below[i]! + (v ?? 0) / max);
    if (s.stack) stackTops.set(s.stack, top);
    return { series: s, values, base: below, top };
  });
  const x = (i: number) => slotCenter(i, n, layout);
  const point = (i: number, f: number) => ({ x: x(i) * BOX, y: (1 - f) * BOX });

  const format = (s: Series, v: number | null) =>
    (s.axis === "right" && props.formatRight ? props.formatRight : props.formatLeft)(v ?? Number.NaN);
  const bars = drawn.filter((d) => d.series.kind === "bar");
  const curves = drawn.filter((d) => d.series.kind !== "bar");
  // Bars of different stacks (or unstacked) stand side by side within a day's band.
  const barGroups = [...new Set(bars.map((d) => d.series.stack ?? d.series.key))];

  return (
    <Plot
      height={props.height}
      insets={{ top: 6, right: hasRight ? 44 : 8, bottom: 26, left: 52 }}
      label={props.label ?? `${series.map((s) => s.label).join(", ")} by day`}
      count={n}
      axis="x"
      layout={layout}
      cursorAbove={layout === "point"}
      frame={
        <>
          <ValueAxisY ticks={leftTicks} format={props.formatLeft} side="left" grid />
          {hasRight ? (
            <ValueAxisY ticks={rightTicks} format={props.formatRight ?? props.formatLeft} side="right" />
          ) : null}
          <CategoryAxisX
            labels={labelledSlots(n, MAX_LABELS).map((l) => ({
              at: x(l.index),
              text: formatDay(rows[l.index]!.day),
              minor: l.minor,
            }))}
          />
        </>
      }
      cursor={(i) =>
        layout === "band" ? (
          <BandCursor index={i} count={n} axis="x" />
        ) : (
          <PointCursor
            x={x(i)}
            dots={curves
              .filter((d) => d.values[i] !== null)
              .map((d) => ({ y: 1 - d.top[i]!, color: d.series.color }))}
          />
        )
      }
      tooltip={(i) => {
        const row = rows[i]!;
        const lines = [...drawn].reverse().map((d) => ({
          label: d.series.label,
          value: format(d.series, d.values[i] ?? null),
          color: d.series.color,
        }));
        if (props.tooltipTotal) {
          const total = drawn.reduce((sum, d) => sum + (d.values[i] ?? 0), 0);
          lines.push({ label: props.tooltipTotal, value: props.formatLeft(total), color: "" });
        }
        return { title: formatDayLong(row.day), lines };
      }}
      anchor={(i) => 1 - Math.max(0, ...drawn.map((d) => d.top[i] ?? 0)) / 2}
    >
      {bars.length
        ? rows.map((r, i) => (
            <div
              key={r.day}
              className="absolute inset-y-0"
              style={{ left: pct((i + (1 - BAR) / 2) / n), width: pct(BAR / n) }}
            >
              {bars.map((d) => {
                const g = barGroups.indexOf(d.series.stack ?? d.series.key);
                const height = d.top[i]! - d.base[i]!;
                if (height <= 0) return null;
                return (
                  <div
                    key={d.series.key}
                    data-mark="bar"
                    className={d.series.stack ? "absolute" : "absolute rounded-t-[2px]"}
                    style={{
                      left: pct(g / barGroups.length),
                      width: pct(1 / barGroups.length),
                      bottom: pct(d.base[i]!),
                      height: pct(height),
                      background: d.series.color,
                    }}
                  />
                );
              })}
            </div>
          ))
        : null}
      {curves.length ? (
        <svg
          className="absolute inset-0 h-full w-full overflow-visible"
          viewBox={`0 0 ${BOX} ${BOX}`}
          preserveAspectRatio="none"
          aria-hidden="true"
        >
          {curves.map((d) => {
            const { series: s } = d;
            const runs = definedRuns(d.values);
            const top = runs.map((run) => run.map((i) => point(i, d.top[i]!)));
            return (
              <g key={s.key} data-mark={s.kind}>
                {s.kind === "area"
                  ? runs.map((run, k) => (
                      <path
                        key={`a${k}`}
                        d={areaPath(
                          top[k]!,
                          run.map((i) => point(i, d.base[i]!)),
                        )}
                        fill={s.color}
                        fillOpacity={s.stack ? 0.85 : 0.12}
                        stroke="none"
                      />
                    ))
                  : null}
                {top.map((points, k) => (
                  <path
                    key={`l${k}`}
                    d={linePath(points)}
                    fill="none"
                    stroke={s.color}
                    strokeWidth={s.kind === "area" && s.stack ? 1 : 2}
                    vectorEffect="non-scaling-stroke"
                    strokeLinejoin="round"
                    strokeLinecap="round"
                  />
                ))}
              </g>
            );
          })}
        </svg>
      ) : null}
    </Plot>
  );
}
