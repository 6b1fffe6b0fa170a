import type { ReactNode } from "react";
import { cn } from "./cn";

/** The frame of a chart or table: title, one-line description, badge, then the body. */
export function Panel(props: {
  title: string;
  description?: ReactNode;
  badge?: ReactNode;
  actions?: ReactNode;
  footer?: ReactNode;
  className?: string;
  children: ReactNode;
  "data-testid"?: string;
  "data-state"?: string;
  "data-source"?: string;
  "data-filter-key"?: string;
  "data-publish"?: string;
}) {
  return (
    <section
      className={cn(
        "flex min-w-0 flex-col rounded-xl border border-zinc-200 bg-white shadow-xs",
        props.className,
      )}
      data-testid={props["data-testid"]}
      data-state={props["data-state"]}
      data-source={props["data-source"]}
      data-filter-key={props["data-filter-key"]}
      data-publish={props["data-publish"]}
    >
      <header className="flex items-start justify-between gap-3 px-5 pt-4">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold text-zinc-900">{props.title}</h3>
          {props.description ? (
            <p className="mt-0.5 text-xs leading-5 text-zinc-500">{props.description}</p>
          ) : null}
        </div>
        <div className="flex shrink-0 items-center gap-2">
          {props.actions}
          {props.badge}
        </div>
      </header>
      <div className="relative flex-1 px-5 pt-3 pb-4">{props.children}</div>
      {props.footer ? (
        <footer className="border-t border-zinc-100 px-5 py-2 text-xs text-zinc-500">{props.footer}</footer>
      ) : null}
    </section>
  );
}
