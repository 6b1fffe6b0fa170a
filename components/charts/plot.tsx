"use client";
/**
 * What every chart shares: the plot area inside its axes, the axes' labels and grid, and the
 * pointer and keyboard handling that shows a tooltip for the category under the pointer.
 *
 * The charts are HTML boxes and one stretched SVG for curves, placed by percentages of the plot
 * area (geometry.ts): the server renders them whole, and a filter change only updates a few
 * dozen styles per chart. (Recharts, which drew them before, re-derived every chart through
 * its store and measured its labels on each change: two thirds of a filter change's main-thread
 * time on the development machine.)
 */
import {
  memo,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
} from "react";
import { cn } from "@/components/ui/cn";
import { TooltipCard, type TooltipLine } from "./chart-tooltip";
import { pct, slotAt, slotCenter } from "./geometry";

export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface TooltipSpec {
  title: string;
  lines: readonly TooltipLine[];
  note?: string;
}

/** Where the tooltip is pinned: fractions of the plot area. */
interface Active {
  index: number;
  fx: number;
  fy: number;
  /** Chosen with the keyboard: also read out to screen readers. */
  keyboard: boolean;
}

/**
 * The plot area of a chart: `children` draw in it (positioned by percentages), the category
 * under the pointer (or picked with the arrow keys once focused) gets a cursor and a tooltip.
 */
export function Plot(props: {
  height: number;
  insets: Insets;
  /** What the chart shows, for screen readers ("Distribution of friction"). */
  label: string;
  /** Categories along the category axis, which runs along x (columns) or y (rows). */
  count: number;
  axis: "x" | "y";
  layout: "band" | "point";
  /** Axes and labels, drawn around the plot area. */
  frame?: ReactNode;
  children: ReactNode;
  cursor(index: number): ReactNode;
  /** Draws the cursor over the marks (a line and dots) rather than behind them (a band). */
  cursorAbove?: boolean;
  tooltip(index: number): TooltipSpec;
  /** Where the keyboard's tooltip points for a category (fraction of the value axis). */
  anchor?(index: number): number;
}) {
  const [active, setActive] = useState<Active | null>(null);
  const { count, axis, layout } = props;

  const fromPointer = (e: PointerEvent<HTMLDivElement>) => {
    if (!count) return;
    const r = e.currentTarget.getBoundingClientRect();
    const fx = r.width ? (e.clientX - r.left) / r.width : 0;
    const fy = r.height ? (e.clientY - r.top) / r.height : 0;
    const index = slotAt(axis === "x" ? fx : fy, count, layout);
    // Beside a point's cursor line rather than the pointer, so that the tooltip never hides it.
    const snapped = layout === "point" ? slotCenter(index, count, layout) : null;
    setActive({
      index,
      fx: axis === "x" && snapped !== null ? snapped : clamp(fx),
      fy: axis === "y" && snapped !== null ? snapped : clamp(fy),
      keyboard: false,
    });
  };
  const pin = (index: number): Active => {
    const along = slotCenter(index, count, layout);
    const across = props.anchor?.(index) ?? 0.5;
    return axis === "x"
      ? { index, fx: along, fy: across, keyboard: true }
      : { index, fx: across, fy: along, keyboard: true };
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!count) return;
    const i = active?.index;
    const next: Record<string, number | null> = {
      ArrowRight: i === undefined ? 0 : Math.min(count - 1, i + 1),
      ArrowDown: i === undefined ? 0 : Math.min(count - 1, i + 1),
      ArrowLeft: i === undefined ? count - 1 : Math.max(0, i - 1),
      ArrowUp: i === undefined ? count - 1 : Math.max(0, i - 1),
      Home: 0,
      End: count - 1,
      Escape: null,
    };
    if (!(e.key in next)) return;
    e.preventDefault();
    const n = next[e.key];
    setActive(n === null || n === undefined ? null : pin(n));
  };

  const tip = active ? props.tooltip(active.index) : null;

  return (
    <div className="@container relative select-none" style={{ height: props.height }}>
      <div
        className="absolute"
        style={{
          top: props.insets.top,
          right: props.insets.right,
          bottom: props.insets.bottom,
          left: props.insets.left,
        }}
      >
        {props.frame}
        <div
          role="group"
          aria-roledescription="chart"
          aria-label={`${props.label}: use the arrow keys to read each value`}
          tabIndex={0}
          className="absolute inset-0 rounded-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-400/60 focus-visible:ring-offset-4"
          onPointerMove={fromPointer}
          onPointerDown={fromPointer}
          onPointerLeave={() => setActive((a) => (a?.keyboard ? a : null))}
          onKeyDown={onKeyDown}
          onBlur={() => setActive(null)}
        >
          {active && !props.cursorAbove ? props.cursor(active.index) : null}
          {props.children}
          {active && props.cursorAbove ? props.cursor(active.index) : null}
          {tip && active ? (
            <TooltipBox tip={tip} fx={active.fx} fy={active.fy} insets={props.insets} />
          ) : null}
        </div>
      </div>
      <div className="sr-only" aria-live="polite">
        {tip && active?.keyboard
          ? `${tip.title}: ${tip.lines.map((l) => `${l.label} ${l.value}`).join(", ")}${tip.note ? `. ${tip.note}` : ""}`
          : ""}
      </div>
    </div>
  );
}

const clamp = (f: number) => Math.min(1, Math.max(0, f));

/** Gap between the pointer and the tooltip. */
const OFFSET = 12;

/**
 * The tooltip beside the pointer: right of and below it when it fits in the chart, else on
 * the other side, as close to the chart's box as its size allows. Placed once its size is
 * known, before it is painted.
 */
function TooltipBox(props: { tip: TooltipSpec; fx: number; fy: number; insets: Insets }) {
  const ref = useRef<HTMLDivElement>(null);
  const { fx, fy, insets } = props;
  useLayoutEffect(() => {
    const el = ref.current;
    const plot = el?.parentElement;
    if (!el || !plot) return;
    const [pw, ph, w, h] = [plot.clientWidth, plot.clientHeight, el.offsetWidth, el.offsetHeight];
    const place = (at: number, size: number, room: number, before: number, after: number) => {
      if (at + OFFSET + size <= room + after) return at + OFFSET;
      if (at - OFFSET - size >= -before) return at - OFFSET - size;
      return Math.max(-before, Math.min(room + after - size, at - size / 2));
    };
    const x = place(fx * pw, w, pw, insets.left, insets.right);
    const y = place(fy * ph, h, ph, insets.top, insets.bottom);
    el.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
    el.style.visibility = "visible";
  });
  return (
    <div ref={ref} className="pointer-events-none invisible absolute top-0 left-0 z-20 w-max">
      <TooltipCard title={props.tip.title} lines={props.tip.lines} note={props.tip.note} />
    </div>
  );
}

/** The highlight behind the hovered band (a column or a row). */
export function BandCursor(props: { index: number; count: number; axis: "x" | "y" }) {
  const at = pct(props.index / props.count);
  const size = pct(1 / props.count);
  return (
    <div
      className="absolute bg-zinc-900/[0.04]"
      style={
        props.axis === "x"
          ? { left: at, width: size, top: 0, bottom: 0 }
          : { top: at, height: size, left: 0, right: 0 }
      }
    />
  );
}

/** A dashed line at the hovered point, with a dot on each series there. */
export function PointCursor(props: { x: number; dots: readonly { y: number; color: string }[] }) {
  return (
    <>
      <div
        className="absolute top-0 bottom-0 border-l border-dashed border-zinc-400"
        style={{ left: pct(props.x) }}
      />
      {props.dots.map((d, i) => (
        <div
          key={i}
          className="absolute h-[9px] w-[9px] -translate-x-1/2 -translate-y-1/2 rounded-full border-2 border-white shadow-sm"
          style={{ left: pct(props.x), top: pct(d.y), background: d.color }}
        />
      ))}
    </>
  );
}

/**
 * A value axis along y: grid lines across the plot at each tick and the tick labels beside it
 * (left or right). Memoised: hovering the chart does not touch it.
 */
export const ValueAxisY = memo(function ValueAxisY(props: {
  ticks: readonly number[];
  format(n: number): string;
  side: "left" | "right";
  grid?: boolean;
}) {
  const max = props.ticks[props.ticks.length - 1] || 1;
  return (
    <>
      {props.grid
        ? props.ticks.map((t) => (
            <div
              key={`g${t}`}
              className="absolute inset-x-0 h-px bg-zinc-100"
              style={{ top: pct(1 - t / max) }}
            />
          ))
        : null}
      {props.ticks.map((t) => (
        <span
          key={t}
          className={cn(
            "absolute -translate-y-1/2 text-[11px] leading-none whitespace-nowrap text-zinc-400 tabular-nums",
            props.side === "left" ? "right-full pr-2" : "left-full pl-2",
          )}
          style={{ top: pct(1 - t / max) }}
        >
          {props.format(t)}
        </span>
      ))}
    </>
  );
});

/**
 * A value axis along x (under horizontal bars): grid lines up the plot at each tick, the tick
 * labels below and the axis line.
 */
export const ValueAxisX = memo(function ValueAxisX(props: {
  ticks: readonly number[];
  max: number;
  format(n: number): string;
}) {
  return (
    <>
      {props.ticks.map((t) => (
        <div
          key={`g${t}`}
          className="absolute inset-y-0 w-px bg-zinc-100"
          style={{ left: pct(t / props.max) }}
        />
      ))}
      <div className="absolute inset-x-0 top-full h-px bg-zinc-200" />
      {props.ticks.map((t) => (
        <span
          key={t}
          className="absolute top-full mt-2 -translate-x-1/2 text-[11px] leading-none whitespace-nowrap text-zinc-400 tabular-nums"
          style={{ left: pct(t / props.max) }}
        >
          {props.format(t)}
        </span>
      ))}
    </>
  );
});

/**
 * Category labels along x under the plot, with the axis line; `minor` ones hide when the chart
 * is narrower than 42rem, where every other label fits.
 */
export function CategoryAxisX(props: {
  labels: readonly { at: number; text: string; minor?: boolean }[];
  title?: string;
}) {
  return (
    <>
      <div className="absolute inset-x-0 top-full h-px bg-zinc-200" />
      {props.labels.map((l) => (
        <span
          key={l.at}
          className={cn(
            "absolute top-full mt-2 -translate-x-1/2 text-[11px] leading-none whitespace-nowrap text-zinc-400 tabular-nums",
            l.minor && "@max-2xl:hidden",
          )}
          style={{ left: pct(l.at) }}
        >
          {l.text}
        </span>
      ))}
      {props.title ? (
        <span className="absolute top-full left-1/2 mt-6 -translate-x-1/2 text-[11px] leading-none text-zinc-400">
          {props.title}
        </span>
      ) : null}
    </>
  );
}

/** Category labels along y, right-aligned in the gutter left of the plot. */
export function CategoryAxisY(props: { labels: readonly { at: number; text: string }[] }) {
  return (
    <>
      {props.labels.map((l) => (
        <span
          key={l.at}
          className="absolute right-full -translate-y-1/2 pr-2 text-xs leading-none whitespace-nowrap text-zinc-700"
          style={{ top: pct(l.at) }}
        >
          {l.text}
        </span>
      ))}
    </>
  );
}
