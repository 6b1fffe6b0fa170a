/**
 * What the selected day did, from its summary (its own raw rows and its dbt run): the day's new
 * users, activity, revenue and test outcome, next to the totals so far.
 */
import { KpiTile } from "@/components/ui/kpi-tile";
import { formatDecimal, formatInteger, formatPercent, formatUsd } from "@/lib/shared/dashboard/format";
import type { DaySummary } from "@/lib/shared/simulation";
import { testStatus } from "./timeline";

const TESTS_TONE = {
  passed: "text-emerald-700",
  warned: "text-amber-700",
  failed: "text-rose-700",
  skipped: "text-zinc-400",
} as const;

export function DaySummaryTiles(props: { summary: DaySummary; previous: DaySummary | null }) {
  const d = props.summary;
  const status = testStatus(d);
  const change = (now: number, before: number | undefined) =>
    before === undefined || before === 0 ? null : now / before - 1;
  const genChange = change(d.generations, props.previous?.generations);
  return (
    <div
      className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6"
      data-testid="day-summary"
      data-day={d.day}
    >
      <KpiTile
        data-testid="day-new-users"
        data-value={String(d.new_users)}
        label="New users"
        value={`+${formatInteger(d.new_users)}`}
        hint={`${formatInteger(d.total_users)} signed up so far`}
      />
      <KpiTile
        data-testid="day-active-users"
        data-value={String(d.active_users)}
        label="Active users"
        value={formatInteger(d.active_users)}
        hint={`${formatInteger(d.sessions)} sessions`}
      />
      <KpiTile
        data-testid="day-generations"
        data-value={String(d.generations)}
        label="Generations"
        value={formatInteger(d.generations)}
        hint={
          genChange === null
            ? d.sessions
              ? `${formatDecimal(d.generations / d.sessions)} per session`
              : "no sessions"
            : `${genChange >= 0 ? "+" : "−"}${formatPercent(Math.abs(genChange))} on day ${props.previous?.day}`
        }
      />
      <KpiTile
        data-testid="day-success-rate"
        data-value={d.success_rate === null ? "" : String(d.success_rate)}
        label="Success rate"
        value={formatPercent(d.success_rate)}
        hint={`${formatInteger(d.generations - d.successful_generations)} failed`}
      />
      <KpiTile
        data-testid="day-revenue"
        data-value={String(d.revenue_usd)}
        label="Revenue"
        value={formatUsd(d.revenue_usd)}
        hint={`${formatInteger(d.orders)} orders`}
      />
      <KpiTile
        data-testid="day-tests"
        data-value={status}
        label="dbt tests"
        value={
          d.tests
            ? d.tests.failed
              ? `${formatInteger(d.tests.failed)} failed`
              : `${formatInteger(d.tests.passed)} passed`
            : "not run"
        }
        hint={
          <span className={TESTS_TONE[status]}>
            {!d.tests
              ? "the day ran without tests"
              : d.tests.failed || d.tests.warned
                ? `${formatInteger(d.tests.passed)} passed · ${formatInteger(d.tests.warned)} warned`
                : "every test passed"}
          </span>
        }
      />
    </div>
  );
}
