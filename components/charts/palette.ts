/** Colours of the charts; SVG attributes take plain values, so they live here and not in CSS. */
export const palette = {
  primary: "#4f46e5",
  primarySoft: "#c7d2fe",
  grid: "#f4f4f5",
  axis: "#a1a1aa",
  axisLine: "#e4e4e7",
  text: "#3f3f46",
  friction: { low: "#10b981", medium: "#f59e0b", high: "#f43f5e" },
  tier: { free: "#a5b4fc", pro: "#6366f1", enterprise: "#312e81" } as Record<string, string>,
} as const;

export const axisProps = {
  stroke: palette.axis,
  tick: { fill: palette.axis, fontSize: 11 },
  tickLine: false,
  axisLine: { stroke: palette.axisLine },
} as const;
