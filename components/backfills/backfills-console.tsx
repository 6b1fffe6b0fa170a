"use client";
/**
 * The backfill console: every backfill with its status; one at a time previewed (a dry run:
 * nothing is written) and applied with live progress. The list and the log come from the
 * server's render; after an apply the page is rendered again.
 */
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";
import { ChartSkeleton } from "@/components/ui/skeleton";
import { fetchPreview, requestApply, useApplyStream, type PreviewResult } from "@/lib/browser/backfills";
import type { ApiError } from "@/lib/browser/runs";
import { BACKFILLS, DEFAULT_BATCH_DAYS, formatDayRanges, type BackfillList } from "@/lib/shared/backfills";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { formatStamp } from "@/components/runs/format";
import { ApplyProgress } from "./apply-progress";
import { ApplyStatusBadge, BackfillStateBadge } from "./badges";
import { PreviewBody } from "./preview-panel";

type PreviewState = { status: "idle" } | { status: "loading" } | PreviewResult;

export function BackfillsConsole(props: { list: BackfillList; selected: string | null }) {
  const router = useRouter();
  const { list } = props;
  const [selected, setSelected] = useState<string | null>(props.selected ?? list.active?.backfill ?? null);
  const [preview, setPreview] = useState<PreviewState>({ status: "idle" });
  const [applyId, setApplyId] = useState<string | null>(list.active?.id ?? null);
  const [applying, setApplying] = useState<string | null>(list.active?.backfill ?? null);
  const [requestError, setRequestError] = useState<ApiError | null>(null);
  const [batchDays, setBatchDays] = useState(DEFAULT_BATCH_DAYS);
  const [reload, setReload] = useState(0);

  const stream = useApplyStream(
    applyId,
    useCallback(() => {
      router.refresh();
      setReload((n) => n + 1);
    }, [router]),
  );
  const running = applyId !== null && stream.phase !== "done";

  useEffect(() => {
    if (!selected || running) return;
    let current = true;
    setPreview({ status: "loading" });
    // A change of the batch size waits for the typing to stop.
    const timer = setTimeout(() => {
      void fetchPreview(selected, batchDays).then((result) => {
        if (current) setPreview(result);
      });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [selected, running, reload, batchDays]);

  const choose = (name: string) => {
    setSelected(name);
    const url = new URL(window.location.href);
    url.searchParams.set("backfill", name);
    window.history.replaceState(null, "", url);
  };

  const apply = async (name: string) => {
    setRequestError(null);
    setApplying(name);
    const result = await requestApply(name, { batch_days: batchDays });
    if (result.status === "started") setApplyId(result.id);
    else {
      setApplyId(null);
      setRequestError(result.error);
    }
  };

  const definition = BACKFILLS.find((b) => b.name === selected) ?? null;
  return (
    <div className="flex flex-col gap-6">
      {list.unavailable && !running ? (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900"
          data-testid="backfills-unavailable"
        >
          {list.unavailable.message}
          {list.unavailable.hint ? ` — ${list.unavailable.hint}` : ""}
        </p>
      ) : null}
      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-4" data-testid="backfill-list">
        {list.backfills.map((entry) => {
          const b = BACKFILLS.find((d) => d.name === entry.name)!;
          const status = entry.status;
          const isSelected = selected === b.name;
          return (
            <section
              key={b.name}
              data-testid={`backfill-card-${b.name}`}
              data-state={status?.state ?? "unknown"}
              data-filled-days={status?.filledDays ?? ""}
              data-days={status?.days ?? ""}
              className={cn(
                "flex flex-col gap-2 rounded-xl border bg-white px-4 py-3 shadow-xs",
                isSelected ? "border-indigo-300 ring-2 ring-indigo-100" : "border-zinc-200",
              )}
            >
              <div className="min-w-0">
                <h3 className="text-sm font-semibold text-zinc-900">{b.title}</h3>
                <p className="truncate font-mono text-[11px] text-zinc-500">
                  {b.model}.{b.column}
                </p>
              </div>
              <div>
                {applying === b.name && running ? (
                  <ApplyStatusBadge status="running" />
                ) : (
                  <BackfillStateBadge status={status} />
                )}
              </div>
              <p className="line-clamp-3 text-xs leading-5 text-zinc-500">{b.description}</p>
              {status && status.state !== "no_data" ? (
                <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-[11px] text-zinc-500">
                  <dt>filled</dt>
                  <dd className="truncate text-zinc-700" data-testid="backfill-filled">
                    {formatDayRanges(status.filled, 2)} · {formatInteger(status.filledRows)}/
                    {formatInteger(status.rows)} rows
                  </dd>
                  {status.missing.length ? (
                    <>
                      <dt>missing</dt>
                      <dd className="truncate text-zinc-700" data-testid="backfill-missing">
                        {formatDayRanges(status.missing, 2)}
                      </dd>
                    </>
                  ) : null}
                  <dt>new days</dt>
                  <dd className="text-zinc-700">
                    {status.enabled ? "filled by the daily runs" : "not until applied"}
                  </dd>
                  <dt>last apply</dt>
                  <dd className="truncate text-zinc-700">
                    {entry.lastApply
                      ? `${entry.lastApply.status}, ${formatStamp(entry.lastApply.started_at)}`
                      : "never"}
                  </dd>
                </dl>
              ) : null}
              <div className="mt-auto pt-1">
                <button
                  type="button"
                  data-testid={`preview-${b.name}`}
                  onClick={() => choose(b.name)}
                  className={cn(
                    "rounded-md border px-2.5 py-1 text-xs font-medium",
                    isSelected
                      ? "border-indigo-200 bg-indigo-50 text-indigo-700"
                      : "border-zinc-200 bg-white text-zinc-700 hover:bg-zinc-50",
                  )}
                >
                  {isSelected ? "Previewing" : "Preview"}
                </button>
              </div>
            </section>
          );
        })}
      </div>

      {definition ? (
        <section
          className="rounded-xl border border-zinc-200 bg-white shadow-xs"
          data-testid="backfill-preview"
          data-backfill={definition.name}
          data-state={preview.status}
        >
          <header className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-100 px-5 pt-4 pb-3">
            <div className="min-w-0">
              <h2 className="text-sm font-semibold text-zinc-900">
                {definition.title}{" "}
                <span className="font-mono text-xs font-normal text-zinc-500">
                  → {definition.model}.{definition.column}
                </span>
              </h2>
              <p className="mt-0.5 text-xs text-zinc-500">
                Preview: a dry run that reads the warehouse and writes nothing.
              </p>
            </div>
            <div className="flex items-center gap-2">
              <label className="flex items-center gap-1.5 text-xs text-zinc-500">
                days per batch
                <input
                  type="number"
                  min={1}
                  max={366}
                  value={batchDays}
                  onChange={(e) => setBatchDays(Math.max(1, Math.min(366, Number(e.target.value) || 1)))}
                  className="w-14 rounded-md border border-zinc-200 px-1.5 py-0.5 text-right tabular-nums"
                  data-testid="batch-days"
                />
              </label>
              <button
                type="button"
                data-testid="apply-button"
                disabled={running || preview.status !== "ready"}
                onClick={() => void apply(definition.name)}
                className="rounded-md bg-indigo-600 px-3 py-1.5 text-xs font-semibold text-white shadow-xs hover:bg-indigo-500 disabled:cursor-not-allowed disabled:bg-zinc-300"
              >
                {running && applying === definition.name ? "Applying…" : `Apply ${definition.name}`}
              </button>
            </div>
          </header>
          <div className="flex flex-col gap-4 px-5 py-4">
            {(applyId || requestError) && applying ? (
              <ApplyProgress backfill={applying} stream={stream} requestError={requestError} />
            ) : null}
            {preview.status === "loading" ? (
              <ChartSkeleton height={220} label="Reading the warehouse…" />
            ) : preview.status === "error" ? (
              <div
                role="alert"
                data-testid="preview-error"
                className="rounded-md border border-rose-200 bg-rose-50/70 px-3 py-2 text-xs"
              >
                <p className="font-medium text-rose-900">{preview.error.message}</p>
                {preview.error.hint ? <p className="mt-1 text-rose-700">{preview.error.hint}</p> : null}
              </div>
            ) : preview.status === "ready" ? (
              <PreviewBody preview={preview.preview} />
            ) : running ? null : (
              <p className="text-xs text-zinc-500">Choose a backfill to preview it.</p>
            )}
          </div>
        </section>
      ) : (
        <p className="text-sm text-zinc-500" data-testid="backfill-choose">
          Choose a backfill above to preview what it would change.
        </p>
      )}
    </div>
  );
}
