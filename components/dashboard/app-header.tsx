import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/**
 * The bar at the top of every page: name, navigation, a slot for page status and one for
 * actions. The served app passes its "Run pipeline" button as actions, which also brings the
 * Runs, Backfills and Simulation pages into the navigation; the static export, which cannot
 * write, passes none, and `simulation` when it carries a simulation to replay.
 */
export function AppHeader(props: {
  current: "overview" | "quality" | "runs" | "backfills" | "simulate";
  status?: ReactNode;
  actions?: ReactNode;
  /** Link to the simulation page (the static site's replay) without actions. */
  simulation?: boolean;
}) {
  const link = (href: string, label: string, active: boolean) => (
    <Link
      href={href}
      className={cn(
        "rounded-md px-2.5 py-1 text-sm font-medium transition-colors",
        active ? "bg-zinc-900 text-white" : "text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900",
      )}
    >
      {label}
    </Link>
  );
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 text-sm font-semibold tracking-tight text-zinc-900">
          <span className="flex h-6 w-6 items-center justify-center rounded-md bg-indigo-600 text-[11px] font-bold text-white">
            sb
          </span>
          sbdk-starter
        </Link>
        <nav className="flex items-center gap-1">
          {link("/", "Overview", props.current === "overview")}
          {link("/quality", "Quality", props.current === "quality")}
          {props.actions ? link("/runs", "Runs", props.current === "runs") : null}
          {props.actions ? link("/backfills", "Backfills", props.current === "backfills") : null}
          {props.actions || props.simulation
            ? link("/simulate", "Simulation", props.current === "simulate")
            : null}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          {props.status}
          {props.actions}
        </div>
      </div>
    </header>
  );
}
