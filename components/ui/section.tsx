import type { ReactNode } from "react";

/** A titled part of a page (a view of the dashboard). */
export function Section(props: { id: string; title: string; description: ReactNode; children: ReactNode }) {
  return (
    <section
      id={props.id}
      aria-labelledby={`${props.id}-title`}
      className="scroll-mt-28"
      data-testid={`view-${props.id}`}
    >
      <div className="mb-3 flex items-baseline justify-between gap-4">
        <div>
          <h2 id={`${props.id}-title`} className="text-base font-semibold tracking-tight text-zinc-900">
            {props.title}
          </h2>
          <p className="mt-0.5 max-w-3xl text-sm text-zinc-500">{props.description}</p>
        </div>
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-6">{props.children}</div>
    </section>
  );
}
