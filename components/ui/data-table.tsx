import type { ReactNode } from "react";
import { cn } from "./cn";

export interface Column<T> {
  key: string;
  header: ReactNode;
  align?: "left" | "right";
  className?: string;
  render(row: T): ReactNode;
}

/** A compact table: numbers right-aligned in tabular figures, a sticky header. */
export function DataTable<T>(props: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey(row: T): string;
  dimmed?: boolean;
  "data-testid"?: string;
}) {
  return (
    <div className={cn("overflow-x-auto transition-opacity", props.dimmed && "opacity-50")}>
      <table className="w-full border-collapse text-xs" data-testid={props["data-testid"]}>
        <thead>
          <tr className="border-b border-zinc-200">
            {props.columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={cn(
                  "px-2 py-2 font-medium whitespace-nowrap text-zinc-500 first:pl-0 last:pr-0",
                  c.align === "right" ? "text-right" : "text-left",
                )}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50">
              {props.columns.map((c) => (
                <td
                  key={c.key}
                  className={cn(
                    "px-2 py-1.5 whitespace-nowrap text-zinc-700 first:pl-0 last:pr-0",
                    c.align === "right" ? "text-right tabular-nums" : "text-left",
                    c.className,
                  )}
                >
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
