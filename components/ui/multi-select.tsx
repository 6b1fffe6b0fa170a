"use client";
import { useEffect, useId, useRef, useState } from "react";
import { cn } from "./cn";

export interface Option {
  value: string;
  label: string;
}

/** A filter button that opens a checklist; no selection means "all". */
export function MultiSelect(props: {
  label: string;
  options: readonly Option[];
  selected: readonly string[];
  onChange(selected: string[]): void;
  "data-testid"?: string;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const listId = useId();
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !root.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const chosen = props.options.filter((o) => props.selected.includes(o.value));
  const summary =
    chosen.length === 0
      ? "All"
      : chosen.length <= 2
        ? chosen.map((o) => o.label).join(", ")
        : `${chosen.length} selected`;
  const toggle = (value: string) => {
    const next = props.selected.includes(value)
      ? props.selected.filter((v) => v !== value)
      : [...props.selected, value];
    props.onChange(props.options.map((o) => o.value).filter((v) => next.includes(v)));
  };

  return (
    <div ref={root} className="relative" data-testid={props["data-testid"]}>
      <button
        type="button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
        className={cn(
          "flex h-8 items-center gap-1.5 rounded-lg border px-2.5 text-xs shadow-xs transition-colors",
          chosen.length
            ? "border-indigo-200 bg-indigo-50 text-indigo-900 hover:bg-indigo-100"
            : "border-zinc-200 bg-white text-zinc-700 hover:bg-zinc-50",
        )}
      >
        <span className="text-zinc-500">{props.label}</span>
        <span className="max-w-40 truncate font-medium" data-testid="filter-summary">
          {summary}
        </span>
        <svg viewBox="0 0 16 16" className="h-3 w-3 text-zinc-400" aria-hidden="true">
          <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" />
        </svg>
      </button>
      {open ? (
        <div
          id={listId}
          role="listbox"
          aria-multiselectable="true"
          className="absolute left-0 z-30 mt-1 min-w-48 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg"
        >
          {props.options.map((o) => {
            const checked = props.selected.includes(o.value);
            return (
              <button
                key={o.value}
                type="button"
                role="option"
                aria-selected={checked}
                data-testid={`option-${o.value}`}
                onClick={() => toggle(o.value)}
                className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-xs text-zinc-700 hover:bg-zinc-100"
              >
                <span
                  className={cn(
                    "flex h-3.5 w-3.5 items-center justify-center rounded border",
                    checked ? "border-indigo-600 bg-indigo-600 text-white" : "border-zinc-300 bg-white",
                  )}
                >
                  {checked ? (
                    <svg viewBox="0 0 16 16" className="h-2.5 w-2.5" aria-hidden="true">
                      <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2.5" />
                    </svg>
                  ) : null}
                </span>
                {o.label}
              </button>
            );
          })}
          {props.selected.length ? (
            <button
              type="button"
              onClick={() => props.onChange([])}
              className="mt-1 w-full rounded-md border-t border-zinc-100 px-2 py-1.5 text-left text-xs text-zinc-500 hover:bg-zinc-100"
            >
              Clear
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
