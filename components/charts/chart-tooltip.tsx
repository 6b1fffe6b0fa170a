import type { ReactNode } from "react";

export interface TooltipLine {
  label: string;
  value: string;
  color?: string;
}

/** The look of every chart tooltip: a title and aligned label/value lines. */
export function TooltipCard(props: { title: ReactNode; lines: readonly TooltipLine[]; note?: ReactNode }) {
  return (
    <div className="min-w-44 rounded-lg border border-zinc-200 bg-white/95 px-3 py-2 text-xs shadow-lg backdrop-blur-sm">
      <div className="mb-1 font-medium text-zinc-900">{props.title}</div>
      <table className="w-full">
        <tbody>
          {props.lines.map((l) => (
            <tr key={l.label}>
              <td className="py-0.5 pr-4 text-zinc-500">
                <span className="inline-flex items-center gap-1.5">
                  {l.color ? <span className="h-2 w-2 rounded-sm" style={{ background: l.color }} /> : null}
                  {l.label}
                </span>
              </td>
              <td className="py-0.5 text-right font-medium text-zinc-900 tabular-nums">{l.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.note ? <div className="mt-1 text-[11px] text-zinc-400">{props.note}</div> : null}
    </div>
  );
}
