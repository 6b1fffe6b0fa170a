/**
 * The geometry of the charts, as fractions of the plot area (0–1), so that a chart is laid out
 * by the browser at any width: the same markup on the server and in the browser, nothing
 * measured, nothing drawn again when the page resizes.
 */

/** A percentage for a CSS length ("12.5%"), rounded to keep the markup short. */
export function pct(fraction: number): string {
  return `${Number((fraction * 100).toFixed(3))}%`;
}

/** The centre of category i of n laid out as bands (bars) or as points (lines, edge to edge). */
export function slotCenter(i: number, n: number, layout: "band" | "point"): number {
  if (layout === "band") return (i + 0.5) / n;
  return n <= 1 ? 0.5 : i / (n - 1);
}

/** The category under a pointer at `fraction` of the axis (clamped to the categories). */
export function slotAt(fraction: number, n: number, layout: "band" | "point"): number {
  const i = layout === "band" ? Math.floor(fraction * n) : Math.round(fraction * (n - 1));
  return Math.min(n - 1, Math.max(0, i));
}

/**
 * Which of n category labels to print: every `step`th, counted back from the last so that the
 * newest day is always labelled. A label whose place in that sequence is odd is "minor": it is
 * dropped on narrow charts, where every other one fits.
 */
export function labelledSlots(n: number, maxLabels: number): { index: number; minor: boolean }[] {
  const step = Math.max(1, Math.ceil(n / Math.max(1, maxLabels)));
  const out: { index: number; minor: boolean }[] = [];
  for (let i = n - 1, k = 0; i >= 0; i -= step, k++) out.push({ index: i, minor: k % 2 === 1 });
  return out.reverse();
}

export interface Point {
  x: number;
  y: number;
}

/** One cubic Bézier piece: from the previous point through two control points to `to`. */
interface Piece {
  c1: Point;
  c2: Point;
  to: Point;
}

const sign = (x: number) => (x < 0 ? -1 : 1);

/**
 * A monotone cubic through the points (Steffen's method, as d3's curveMonotoneX draws it): no
 * overshoot between points, so a share never dips below 0 and a peak stays where the data has
 * it. The curve is the same under any stretch of either axis, which lets it be drawn once in a
 * unit box and scaled to the plot.
 */
function monotonePieces(p: readonly Point[]): Piece[] {
  const n = p.length;
  if (n < 2) return [];
  if (n === 2) return [{ c1: p[0]!, c2: p[1]!, to: p[1]! }];
  const t = new Array<number>(n);
  for (let i = 1; i < n - 1; i++) {
    const [a, b, c] = [p[i - 1]!, p[i]!, p[i + 1]!];
    const h0 = b.x - a.x;
    const h1 = c.x - b.x;
    const s0 = h0 ? (b.y - a.y) / h0 : 0;
    const s1 = h1 ? (c.y - b.y) / h1 : 0;
    const q = h0 + h1 ? (s0 * h1 + s1 * h0) / (h0 + h1) : 0;
    t[i] = (sign(s0) + sign(s1)) * Math.min(Math.abs(s0), Math.abs(s1), 0.5 * Math.abs(q)) || 0;
  }
  const end = (a: Point, b: Point, inner: number) => {
    const h = b.x - a.x;
    return h ? (3 * (b.y - a.y)) / h / 2 - inner / 2 : inner;
  };
  t[0] = end(p[0]!, p[1]!, t[1]!);
  t[n - 1] = end(p[n - 2]!, p[n - 1]!, t[n - 2]!);
  const out: Piece[] = [];
  for (let i = 0; i < n - 1; i++) {
    const [a, b] = [p[i]!, p[i + 1]!];
    const dx = (b.x - a.x) / 3;
    out.push({
      c1: { x: a.x + dx, y: a.y + dx * t[i]! },
      c2: { x: b.x - dx, y: b.y - dx * t[i + 1]! },
      to: b,
    });
  }
  return out;
}

const num = (v: number) => Number(v.toFixed(2));
const pt = (p: Point) => `${num(p.x)},${num(p.y)}`;

function curve(points: readonly Point[], move: boolean): string {
  const head = `${move ? "M" : "L"}${pt(points[0]!)}`;
  return (
    head +
    monotonePieces(points)
      .map((s) => `C${pt(s.c1)} ${pt(s.c2)} ${pt(s.to)}`)
      .join("")
  );
}

/** An SVG path of a monotone line through the points. */
export function linePath(points: readonly Point[]): string {
  return points.length ? curve(points, true) : "";
}

/**
 * An SVG path of the area between a monotone top line and a monotone base (the series below
 * in a stack, or a flat 0), both through the same x positions.
 */
export function areaPath(top: readonly Point[], base: readonly Point[]): string {
  if (!top.length) return "";
  return `${curve(top, true)}${curve([...base].reverse(), false)}Z`;
}

/**
 * Splits the indexes of a series into runs of defined values: a day without a value breaks
 * the line rather than dropping it to 0.
 */
export function definedRuns(values: readonly (number | null)[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(i);
  });
  if (run.length) runs.push(run);
  return runs;
}
