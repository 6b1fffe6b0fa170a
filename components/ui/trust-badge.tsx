import Link from "next/link";
import { cn } from "./cn";

export interface TrustBadgeProps {
  /** null while the test results load. */
  tests: number | null;
  failing: number;
  warning: number;
  models: readonly string[];
  href: string;
}

/**
 * How far the numbers of a chart can be trusted: the dbt tests of the models it reads. Green
 * when all pass, amber with warnings, red with failures; links to the quality page.
 */
export function TrustBadge(props: TrustBadgeProps) {
  const { tests, failing, warning } = props;
  const tone =
    tests === null
      ? "border-zinc-200 bg-zinc-50 text-zinc-400"
      : failing > 0
        ? "border-rose-200 bg-rose-50 text-rose-700 hover:bg-rose-100"
        : warning > 0
          ? "border-amber-200 bg-amber-50 text-amber-800 hover:bg-amber-100"
          : tests === 0
            ? "border-zinc-200 bg-zinc-50 text-zinc-500 hover:bg-zinc-100"
            : "border-emerald-200 bg-emerald-50 text-emerald-700 hover:bg-emerald-100";
  const label =
    tests === null
      ? "tests…"
      : failing > 0
        ? `${failing} failing${warning ? ` · ${warning} warning` : ""}`
        : warning > 0
          ? `${warning} warning`
          : tests === 0
            ? "untested"
            : `${tests} tests pass`;
  const status = tests === null ? "loading" : failing > 0 ? "failing" : warning > 0 ? "warning" : "passing";
  const title =
    tests === null
      ? "Loading dbt test results"
      : `${tests} dbt tests on ${props.models.join(", ")}: ${tests - failing - warning} pass, ${warning} warn, ${failing} fail`;
  return (
    <Link
      href={props.href}
      title={title}
      data-testid="trust-badge"
      data-status={status}
      className={cn(
        "inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-[11px] font-medium whitespace-nowrap tabular-nums transition-colors",
        tone,
      )}
    >
      <TrustIcon status={status} />
      {label}
    </Link>
  );
}

function TrustIcon(props: { status: string }) {
  if (props.status === "passing") {
    return (
      <svg viewBox="0 0 16 16" className="h-3 w-3" fill="none" aria-hidden="true">
        <path
          d="M3.5 8.5l3 3 6-7"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
    );
  }
  if (props.status === "loading")
    return <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden="true" />;
  return (
    <svg viewBox="0 0 16 16" className="h-3 w-3" fill="none" aria-hidden="true">
      <path d="M8 4v5M8 11.5v.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
