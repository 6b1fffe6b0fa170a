import Link from "next/link";
import type { PublishManifest } from "@/lib/shared/manifest";
import { formatDayLong, formatInteger } from "@/lib/shared/dashboard/format";

const stamp = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
  timeZone: "UTC",
});

/** One line on what the page shows: which days, from which publish, built and tested how. */
export function PublishSummary(props: { manifest: PublishManifest }) {
  const m = props.manifest;
  const t = m.dbt.tests;
  const notPassing = t.failed + t.warned;
  const facts = [
    m.date_range ? `${formatDayLong(m.date_range.start)} – ${formatDayLong(m.date_range.end)}` : "no dates",
    `published ${stamp.format(new Date(m.generated_at))} UTC`,
    `seed ${m.seed}`,
    `dbt ${m.dbt.dbt_version}: ${m.dbt.models.built}/${m.dbt.models.total} models`,
  ];
  return (
    <div
      className="flex flex-wrap items-end justify-between gap-3"
      data-testid="publish-summary"
      data-generated-at={m.generated_at}
      data-version={m.tables[0]?.file.split("/")[0] ?? ""}
    >
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Overview</h1>
        <p className="mt-1 text-sm text-zinc-500">{facts.join(" · ")}</p>
      </div>
      <Link
        href="/quality"
        className={
          notPassing
            ? "text-xs font-medium text-amber-700 hover:underline"
            : "text-xs font-medium text-emerald-700 hover:underline"
        }
      >
        {notPassing
          ? `${formatInteger(t.failed)} failing · ${formatInteger(t.warned)} warning of ${formatInteger(t.total)} dbt tests`
          : `All ${formatInteger(t.total)} dbt tests passed`}
      </Link>
    </div>
  );
}
