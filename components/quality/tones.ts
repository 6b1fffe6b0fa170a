/** The colours of statuses on the quality page: red fails, amber warns, green passes, grey skipped. */
import type { Health, TestOutcome, TestStatus } from "@/lib/shared/quality/status";

export const STATUS_BADGE: Record<TestStatus, string> = {
  error: "bg-rose-50 text-rose-700 ring-rose-600/20",
  fail: "bg-rose-50 text-rose-700 ring-rose-600/20",
  warn: "bg-amber-50 text-amber-800 ring-amber-600/25",
  skipped: "bg-zinc-100 text-zinc-600 ring-zinc-500/20",
  pass: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
};

export const OUTCOME_DOT: Record<TestOutcome, string> = {
  failed: "bg-rose-500",
  warned: "bg-amber-400",
  passed: "bg-emerald-500",
  skipped: "bg-zinc-400",
};

export const OUTCOME_LABEL: Record<TestOutcome, string> = {
  failed: "Failed",
  warned: "Warned",
  passed: "Passed",
  skipped: "Skipped",
};

/** Node colours of the lineage graph (SVG fill and stroke utilities). */
export const HEALTH_NODE: Record<Health, { box: string; dot: string; label: string }> = {
  fail: { box: "fill-rose-50 stroke-rose-300", dot: "fill-rose-500", label: "failing" },
  warn: { box: "fill-amber-50 stroke-amber-300", dot: "fill-amber-400", label: "warning" },
  pass: { box: "fill-emerald-50/70 stroke-emerald-300", dot: "fill-emerald-500", label: "passing" },
  skipped: { box: "fill-zinc-100 stroke-zinc-300", dot: "fill-zinc-400", label: "skipped" },
  none: { box: "fill-white stroke-zinc-300", dot: "fill-zinc-300", label: "source" },
};

export const HEALTH_DOT: Record<Health, string> = {
  fail: "bg-rose-500",
  warn: "bg-amber-400",
  pass: "bg-emerald-500",
  skipped: "bg-zinc-400",
  none: "bg-zinc-300",
};
