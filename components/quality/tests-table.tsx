"use client";
/**
 * Every dbt test of the last build: status, what it checks, failures and time, the failing and
 * warned ones first. Filters by outcome, model and a search; a failing or warned test opens to
 * show dbt's message and the sample of rows that broke it.
 */
import { Fragment, useEffect, useMemo, useState } from "react";
import { cn } from "@/components/ui/cn";
import { MultiSelect } from "@/components/ui/multi-select";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { upstreamModels } from "@/lib/shared/dashboard/types";
import { filterTests, type QualityFilters } from "@/lib/shared/quality/filters";
import { formatSeconds } from "@/lib/shared/quality/format";
import type { QualityNode, QualityTest } from "@/lib/shared/quality/report";
import { countTests, TEST_OUTCOMES, type TestOutcome } from "@/lib/shared/quality/status";
import type { SetQualityFilters } from "@/lib/browser/quality/use-quality-filters";
import { FailingRows } from "./failing-rows";
import { StatusBadge } from "./status-badge";
import { OUTCOME_DOT, OUTCOME_LABEL } from "./tones";

function opensDetails(t: QualityTest): boolean {
  return t.status !== "pass" && t.status !== "skipped";
}

function Chevron(props: { open: boolean }) {
  return (
    <svg
      viewBox="0 0 16 16"
      className={cn("h-3.5 w-3.5 text-zinc-400 transition-transform", props.open && "rotate-90")}
      aria-hidden="true"
    >
      <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}

export function TestsToolbar(props: {
  tests: readonly QualityTest[];
  nodes: readonly QualityNode[];
  filters: QualityFilters;
  setFilters: SetQualityFilters;
  search: string;
  onSearch(q: string): void;
}) {
  const { filters, setFilters } = props;
  // Outcome counts follow the other filters, so each chip says what clicking it would show.
  const counts = useMemo(
    () => countTests(filterTests(props.tests, { ...filters, outcomes: [], q: props.search })),
    [props.tests, filters, props.search],
  );
  const models = props.nodes.filter((n) => n.resource_type === "model").map((n) => n.name);
  const toggle = (o: TestOutcome) =>
    setFilters({
      outcomes: filters.outcomes.includes(o)
        ? filters.outcomes.filter((x) => x !== o)
        : TEST_OUTCOMES.filter((x) => x === o || filters.outcomes.includes(x)),
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <div
        role="group"
        aria-label="Filter by outcome"
        className="flex h-8 max-w-full items-center overflow-x-auto rounded-lg border border-zinc-200 bg-zinc-50 p-0.5 text-xs"
      >
        <button
          type="button"
          data-testid="outcome-all"
          aria-pressed={filters.outcomes.length === 0}
          onClick={() => setFilters({ outcomes: [] })}
          className={cn(
            "flex h-full items-center gap-1.5 rounded-md px-2 font-medium transition-colors",
            filters.outcomes.length === 0
              ? "bg-white text-zinc-900 shadow-xs"
              : "text-zinc-500 hover:text-zinc-800",
          )}
        >
          All <span className="text-zinc-400 tabular-nums">{formatInteger(counts.total)}</span>
        </button>
        {TEST_OUTCOMES.map((o) => {
          const active = filters.outcomes.includes(o);
          return (
            <button
              key={o}
              type="button"
              data-testid={`outcome-${o}`}
              data-count={counts[o]}
              aria-pressed={active}
              onClick={() => toggle(o)}
              className={cn(
                "flex h-full items-center gap-1.5 rounded-md px-2 font-medium transition-colors",
                active ? "bg-white text-zinc-900 shadow-xs" : "text-zinc-500 hover:text-zinc-800",
              )}
            >
              <span aria-hidden="true" className={cn("h-1.5 w-1.5 rounded-full", OUTCOME_DOT[o])} />
              {OUTCOME_LABEL[o]}
              <span className="text-zinc-400 tabular-nums">{formatInteger(counts[o])}</span>
            </button>
          );
        })}
      </div>
      <MultiSelect
        label="Model"
        data-testid="filter-models"
        options={models.map((m) => ({ value: m, label: m }))}
        selected={filters.models.filter((m) => models.includes(m))}
        onChange={(selected) => setFilters({ models: selected })}
      />
      <label className="relative flex h-8 min-w-52 flex-1 items-center sm:max-w-72">
        <span className="sr-only">Search tests by name</span>
        <svg
          viewBox="0 0 16 16"
          className="pointer-events-none absolute left-2.5 h-3.5 w-3.5 text-zinc-400"
          aria-hidden="true"
        >
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M10.5 10.5L14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        <input
          type="search"
          data-testid="test-search"
          placeholder="Search tests, columns…"
          value={props.search}
          onChange={(e) => props.onSearch(e.target.value)}
          className="h-full w-full rounded-lg border border-zinc-200 bg-white pr-2 pl-8 text-xs text-zinc-800 shadow-xs outline-none placeholder:text-zinc-400 focus:border-indigo-300 focus:ring-2 focus:ring-indigo-100"
        />
      </label>
    </div>
  );
}

/** What the model filter is set to, with the way to widen it to everything upstream. */
export function ModelFilterNote(props: {
  nodes: readonly QualityNode[];
  filters: QualityFilters;
  setFilters: SetQualityFilters;
}) {
  const { filters, setFilters } = props;
  if (!filters.models.length) return null;
  const upstream = upstreamModels(filters.models, props.nodes);
  const more = upstream.filter((m) => !filters.models.includes(m));
  const unknown = filters.models.filter(
    (m) => !props.nodes.some((n) => n.resource_type === "model" && n.name === m),
  );
  return (
    <div
      data-testid="model-filter-note"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-indigo-100 bg-indigo-50/60 px-3 py-2 text-xs text-indigo-900"
    >
      <span>
        Tests on{" "}
        {filters.models.map((m, i) => (
          <Fragment key={m}>
            {i > 0 ? ", " : null}
            <code className="font-mono font-medium">{m}</code>
          </Fragment>
        ))}
        {unknown.length ? (
          <span className="text-indigo-700/70"> ({unknown.join(", ")} not in this publish)</span>
        ) : null}
      </span>
      {more.length ? (
        <button
          type="button"
          data-testid="include-upstream"
          onClick={() => setFilters({ models: upstream })}
          className="font-medium text-indigo-700 underline-offset-2 hover:underline"
          title={more.join(", ")}
        >
          Add the {more.length} models upstream
        </button>
      ) : null}
      <button
        type="button"
        data-testid="clear-models"
        onClick={() => setFilters({ models: [] })}
        className="font-medium text-indigo-700 underline-offset-2 hover:underline"
      >
        Show every model
      </button>
    </div>
  );
}

export function TestsTable(props: {
  tests: readonly QualityTest[];
  nodes: readonly QualityNode[];
  filters: QualityFilters;
  setFilters: SetQualityFilters;
}) {
  const { filters, setFilters } = props;
  // The search box keeps what is typed (the URL keeps it trimmed) and follows the URL when it
  // changes otherwise: the page taking over a linked search, back and forward.
  const [search, setSearch] = useState(filters.q);
  useEffect(() => {
    setSearch((typed) => (typed.trim() === filters.q ? typed : filters.q));
  }, [filters.q]);
  const onSearch = (q: string) => {
    setSearch(q);
    setFilters({ q }, "replace");
  };
  const shown = useMemo(
    () => filterTests(props.tests, { ...filters, q: search }),
    [props.tests, filters, search],
  );
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="flex flex-col gap-3">
      <TestsToolbar
        tests={props.tests}
        nodes={props.nodes}
        filters={filters}
        setFilters={setFilters}
        search={search}
        onSearch={onSearch}
      />
      <ModelFilterNote nodes={props.nodes} filters={filters} setFilters={setFilters} />
      <p className="text-[11px] text-zinc-500" data-testid="tests-shown" data-shown={shown.length}>
        {shown.length === props.tests.length
          ? `${formatInteger(shown.length)} tests`
          : `${formatInteger(shown.length)} of ${formatInteger(props.tests.length)} tests`}
        {" · failing and warned first"}
      </p>
      <div className="max-h-[640px] overflow-auto rounded-lg border border-zinc-200">
        <table className="w-full min-w-[760px] table-fixed border-collapse text-xs" data-testid="tests-table">
          <thead className="sticky top-0 z-10 bg-zinc-50">
            <tr className="border-b border-zinc-200 text-left text-zinc-500">
              <th scope="col" className="w-8 py-2 pl-2" aria-label="Details" />
              <th scope="col" className="w-18 py-2 pr-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-2 py-2 font-medium">
                Test
              </th>
              <th scope="col" className="w-52 px-2 py-2 font-medium">
                Model
              </th>
              <th scope="col" className="w-44 px-2 py-2 font-medium">
                Column
              </th>
              <th scope="col" className="w-20 px-2 py-2 text-right font-medium">
                Failures
              </th>
              <th scope="col" className="w-18 py-2 pr-3 pl-2 text-right font-medium">
                Time
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((t) => {
              const expandable = opensDetails(t);
              const isOpen = expandable && open.has(t.id);
              return (
                <Fragment key={t.id}>
                  <tr
                    data-testid="test-row"
                    data-test-id={t.id}
                    data-test-name={t.name}
                    data-status={t.status}
                    data-model={t.model ?? ""}
                    aria-expanded={expandable ? isOpen : undefined}
                    onClick={expandable ? () => toggle(t.id) : undefined}
                    className={cn(
                      "border-b border-zinc-100",
                      expandable ? "cursor-pointer hover:bg-zinc-50" : "hover:bg-zinc-50/60",
                      isOpen && "bg-zinc-50",
                      t.status === "fail" || t.status === "error"
                        ? "shadow-[inset_2px_0_0_var(--color-rose-500)]"
                        : t.status === "warn"
                          ? "shadow-[inset_2px_0_0_var(--color-amber-400)]"
                          : null,
                    )}
                  >
                    <td className="py-1.5 pl-2 align-top">
                      {expandable ? (
                        <button
                          type="button"
                          data-testid="toggle-details"
                          aria-label={
                            isOpen
                              ? `Hide the failing rows of ${t.name}`
                              : `Show the failing rows of ${t.name}`
                          }
                          onClick={(e) => {
                            e.stopPropagation();
                            toggle(t.id);
                          }}
                          className="mt-0.5 flex h-4 w-4 items-center justify-center rounded hover:bg-zinc-200"
                        >
                          <Chevron open={isOpen} />
                        </button>
                      ) : null}
                    </td>
                    <td className="py-1.5 pr-2 align-top">
                      <StatusBadge status={t.status} />
                    </td>
                    <td className="px-2 py-1.5 align-top">
                      <div className="truncate font-medium text-zinc-800" title={t.name}>
                        {t.type === "singular" ? t.name : t.type}
                      </div>
                      <div className="truncate font-mono text-[10.5px] text-zinc-400" title={t.name}>
                        {t.type === "singular" ? "singular test" : t.name}
                      </div>
                    </td>
                    <td className="truncate px-2 py-1.5 align-top whitespace-nowrap">
                      {t.model ? (
                        <button
                          type="button"
                          onClick={(e) => {
                            e.stopPropagation();
                            setFilters({ models: [t.model!] });
                          }}
                          className="font-mono text-[11px] text-zinc-700 hover:text-indigo-700 hover:underline"
                          title={`Show only the tests on ${t.model}`}
                        >
                          {t.model}
                        </button>
                      ) : (
                        <span className="text-zinc-400">–</span>
                      )}
                    </td>
                    <td
                      className="truncate px-2 py-1.5 align-top font-mono text-[11px] whitespace-nowrap text-zinc-600"
                      title={t.column ?? undefined}
                    >
                      {t.column ?? <span className="text-zinc-300">–</span>}
                    </td>
                    <td
                      data-testid="test-failures"
                      className={cn(
                        "px-2 py-1.5 text-right align-top tabular-nums",
                        t.failures
                          ? t.status === "warn"
                            ? "font-semibold text-amber-700"
                            : "font-semibold text-rose-700"
                          : "text-zinc-400",
                      )}
                    >
                      {t.failures === null ? "–" : formatInteger(t.failures)}
                    </td>
                    <td className="py-1.5 pr-3 pl-2 text-right align-top whitespace-nowrap text-zinc-500 tabular-nums">
                      {formatSeconds(t.seconds)}
                    </td>
                  </tr>
                  {isOpen ? (
                    <tr
                      className="border-b border-zinc-100 bg-zinc-50/70"
                      data-testid="test-details-row"
                      data-test-id={t.id}
                    >
                      <td />
                      <td colSpan={6} className="pr-3">
                        <FailingRows test={t} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
            {shown.length === 0 ? (
              <tr>
                <td
                  colSpan={7}
                  className="px-3 py-10 text-center text-sm text-zinc-500"
                  data-testid="no-tests"
                >
                  No test matches these filters.{" "}
                  <button
                    type="button"
                    onClick={() => {
                      setSearch("");
                      setFilters({ outcomes: [], models: [], q: "" });
                    }}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    Clear filters
                  </button>
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
