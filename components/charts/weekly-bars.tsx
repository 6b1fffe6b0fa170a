"use client";
import { formatChange, formatDay } from "@/lib/shared/dashboard/format";
import { pct } from "./geometry";
import { palette } from "./palette";
import { BandCursor, CategoryAxisX, Plot, ValueAxisY } from "./plot";
import { maxOf, niceTicks } from "./ticks";

export interface WeekBar {
  week: string;
  value: number;
  /** Week-over-week change (of the daily average), null for the first week. */
  change: number | null;
  days: number;
}

/** Share of a week's band its bar fills. */
const BAR = 0.78;

/** One bar per week with its week-over-week change on top; partial weeks are drawn lighter. */
export function WeeklyBars(props: {
  rows: readonly WeekBar[];
  height: number;
  label: string;
  format(n: number): string;
}) {
  const { rows } = props;
  const n = rows.length;
  const ticks = niceTicks(maxOf(rows, ["value"]));
  const max = ticks[ticks.length - 1] ?? 1;
  return (
    <Plot
      height={props.height}
      insets={{ top: 20, right: 4, bottom: 26, left: 48 }}
      label={`${props.label} per week`}
      count={n}
      axis="x"
      layout="band"
      frame={
        <>
          <ValueAxisY ticks={ticks} format={props.format} side="left" grid />
          <CategoryAxisX labels={rows.map((r, i) => ({ at: (i + 0.5) / n, text: formatDay(r.week) }))} />
        </>
      }
      cursor={(i) => <BandCursor index={i} count={n} axis="x" />}
      tooltip={(i) => {
        const row = rows[i]!;
        return {
          title: `Week of ${formatDay(row.week)}`,
          lines: [
            { label: props.label, value: props.format(row.value), color: palette.primary },
            { label: "Per day", value: props.format(row.days ? row.value / row.days : 0) },
            { label: "Week over week", value: formatChange(row.change) },
          ],
          note: row.days < 7 ? `Partial week: ${row.days} of 7 days` : undefined,
        };
      }}
      anchor={(i) => 1 - (rows[i]!.value / max) * 0.5}
    >
      {rows.map((r, i) => {
        const height = Math.max(0, r.value / max);
        return (
          <div
            key={r.week}
            className="absolute inset-y-0"
            style={{ left: pct((i + (1 - BAR) / 2) / n), width: pct(BAR / n) }}
          >
            <div
              data-mark="bar"
              className="absolute inset-x-0 bottom-0 rounded-t-[3px]"
              style={{ height: pct(height), background: r.days < 7 ? palette.primarySoft : palette.primary }}
            />
            {r.change === null ? null : (
              <span
                className="absolute left-1/2 mb-1 -translate-x-1/2 text-[10px] leading-none whitespace-nowrap text-zinc-400 tabular-nums"
                style={{ bottom: pct(height) }}
              >
                {formatChange(r.change)}
              </span>
            )}
          </div>
        );
      })}
    </Plot>
  );
}
