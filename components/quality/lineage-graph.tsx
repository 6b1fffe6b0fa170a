"use client";
/**
 * The DAG of sources and models from the publish's lineage, drawn as SVG in columns by layer:
 * each model coloured by its last build status combined with its tests. Clicking a model
 * filters the tests table to it (clicking it again clears the filter).
 */
import { useMemo, useState, type KeyboardEvent } from "react";
import { cn } from "@/components/ui/cn";
import { formatSeconds, splitNodeName } from "@/lib/shared/quality/format";
import { layoutLineage } from "@/lib/shared/quality/layout";
import type { QualityNode } from "@/lib/shared/quality/report";
import { HEALTH_NODE } from "./tones";

const NODE = { nodeWidth: 148, nodeHeight: 52, columnGap: 24, rowGap: 10, top: 26 } as const;
/** Characters of a name line that fit a node at 11px. */
const LINE_CHARS = 20;

const LAYER_TITLE: Record<string, string> = { raw: "Sources" };
const layerTitle = (layer: string) => LAYER_TITLE[layer] ?? layer.charAt(0).toUpperCase() + layer.slice(1);

function nodeMeta(node: QualityNode): string {
  if (node.resource_type === "source") return "source";
  // The build time is in the tooltip and the timings panel: a node has room for two facts.
  const parts = [node.materialized ?? "model"];
  const t = node.tests;
  if (t.failed) parts.push(`${t.failed} failing`);
  else if (t.warned) parts.push(`${t.warned} warning`);
  else parts.push(t.total === 1 ? "1 test" : `${t.total} tests`);
  return parts.join(" · ");
}

function nodeTitle(node: QualityNode): string {
  if (node.resource_type === "source") return `${node.name}: raw table (source)`;
  const t = node.tests;
  return [
    `${node.name} (${node.layer}, ${node.materialized ?? "model"})`,
    `build: ${node.status ?? "not run"}${node.seconds !== null ? ` in ${formatSeconds(node.seconds)}` : ""}`,
    `tests: ${t.total} — ${t.passed} pass, ${t.warned} warn, ${t.failed} fail, ${t.skipped} skipped`,
    "Click to show its tests",
  ].join("\n");
}

export function LineageGraph(props: {
  nodes: readonly QualityNode[];
  /** Models whose tests the table shows (highlighted). */
  selected: readonly string[];
  onSelect(model: string): void;
}) {
  const layout = useMemo(
    () =>
      layoutLineage(
        props.nodes.map((n) => ({ id: n.id, layer: n.layer, dependsOn: n.depends_on })),
        NODE,
      ),
    [props.nodes],
  );
  const byId = useMemo(() => new Map(props.nodes.map((n) => [n.id, n])), [props.nodes]);
  const [hovered, setHovered] = useState<string | null>(null);
  const selected = new Set(props.selected);
  const focusIds = new Set(
    hovered ? [hovered] : props.nodes.filter((n) => selected.has(n.name)).map((n) => n.id),
  );

  // Column headings: one per run of columns of the same layer.
  const headings: { title: string; x: number; width: number }[] = [];
  for (const col of layout.columns) {
    const title = col.layers.map(layerTitle).join(" / ");
    const last = headings[headings.length - 1];
    if (last && last.title === title) last.width = col.x + NODE.nodeWidth - last.x;
    else headings.push({ title, x: col.x, width: NODE.nodeWidth });
  }

  const models = props.nodes.filter((n) => n.resource_type === "model").length;
  const sources = props.nodes.length - models;
  return (
    <div className="overflow-x-auto">
      <svg
        width={layout.width}
        height={layout.height + 2}
        viewBox={`0 -1 ${layout.width} ${layout.height + 2}`}
        role="group"
        aria-label={`Lineage of ${models} models and ${sources} sources`}
        data-testid="lineage-graph"
        className="mx-auto block overflow-visible"
      >
        {headings.map((h) => (
          <g key={`${h.title}-${h.x}`}>
            <text
              x={h.x + h.width / 2}
              y={10}
              textAnchor="middle"
              className="fill-zinc-400 text-[10px] font-semibold tracking-wider uppercase"
            >
              {h.title}
            </text>
            <line x1={h.x} x2={h.x + h.width} y1={17} y2={17} className="stroke-zinc-200" strokeWidth={1} />
          </g>
        ))}
        <g fill="none">
          {layout.edges.map((e) => {
            const lit = focusIds.has(e.from) || focusIds.has(e.to);
            return (
              <path
                key={`${e.from}>${e.to}`}
                d={e.path}
                data-testid="lineage-edge"
                data-from={byId.get(e.from)?.name}
                data-to={byId.get(e.to)?.name}
                className={cn(
                  "transition-colors",
                  lit ? "stroke-indigo-500" : focusIds.size ? "stroke-zinc-200" : "stroke-zinc-300",
                )}
                strokeWidth={lit ? 1.75 : 1.25}
              />
            );
          })}
        </g>
        {layout.nodes.map((p) => {
          const node = byId.get(p.id)!;
          const isModel = node.resource_type === "model";
          const isSelected = selected.has(node.name);
          const tone = HEALTH_NODE[node.health];
          const lines = splitNodeName(node.name, LINE_CHARS);
          const faded = selected.size > 0 && !isSelected && hovered !== p.id;
          const activate = () => isModel && props.onSelect(node.name);
          return (
            <g
              key={p.id}
              transform={`translate(${p.x},${p.y})`}
              data-testid="lineage-node"
              data-name={node.name}
              data-kind={node.resource_type}
              data-health={node.health}
              data-selected={isSelected ? "true" : "false"}
              role={isModel ? "button" : undefined}
              tabIndex={isModel ? 0 : undefined}
              aria-pressed={isModel ? isSelected : undefined}
              aria-label={isModel ? `${node.name}: ${tone.label}. Show its tests` : `${node.name} (source)`}
              onClick={activate}
              onKeyDown={(e: KeyboardEvent) => {
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  activate();
                }
              }}
              onMouseEnter={() => setHovered(p.id)}
              onMouseLeave={() => setHovered((h) => (h === p.id ? null : h))}
              className={cn(
                "outline-none transition-opacity focus-visible:[&>rect]:stroke-indigo-500",
                isModel && "cursor-pointer",
                faded && "opacity-45",
              )}
            >
              <title>{nodeTitle(node)}</title>
              <rect
                width={NODE.nodeWidth}
                height={NODE.nodeHeight}
                rx={8}
                className={cn(
                  tone.box,
                  isSelected && "stroke-indigo-600",
                  hovered === p.id && !isSelected && "stroke-zinc-500",
                )}
                strokeWidth={isSelected ? 2 : 1}
                strokeDasharray={isModel ? undefined : "4 3"}
              />
              {isModel ? (
                <circle cx={12} cy={lines.length > 1 ? 13.5 : 17.5} r={3.5} className={tone.dot} />
              ) : (
                <g
                  transform={`translate(7,${lines.length > 1 ? 8 : 12})`}
                  className="stroke-zinc-400"
                  fill="none"
                >
                  <ellipse cx={5} cy={2} rx={4.5} ry={1.8} strokeWidth={1} />
                  <path d="M0.5,2 v7 a4.5,1.8 0 0 0 9,0 v-7" strokeWidth={1} />
                </g>
              )}
              <text
                x={isModel ? 22 : 23}
                y={lines.length > 1 ? 17.5 : 21.5}
                className="fill-zinc-800 text-[11px] font-medium"
              >
                {lines.map((line, i) => (
                  <tspan key={i} x={isModel ? 22 : 23} dy={i === 0 ? 0 : 12}>
                    {line}
                  </tspan>
                ))}
              </text>
              <text
                x={isModel ? 22 : 23}
                y={lines.length > 1 ? NODE.nodeHeight - 8 : NODE.nodeHeight - 14}
                className={cn(
                  "text-[10px] tabular-nums",
                  node.health === "fail"
                    ? "fill-rose-700"
                    : node.health === "warn"
                      ? "fill-amber-700"
                      : "fill-zinc-500",
                )}
              >
                {nodeMeta(node)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** The colour key of the graph. */
export function LineageLegend(props: { className?: string }) {
  const items = [
    ["pass", "passing"],
    ["warn", "warning"],
    ["fail", "failing"],
    ["skipped", "skipped"],
  ] as const;
  return (
    <div
      className={cn("flex items-center gap-3 text-[11px] text-zinc-500", props.className)}
      aria-label="Colour key"
    >
      {items.map(([health, label]) => (
        <span key={health} className="flex items-center gap-1">
          <svg viewBox="0 0 10 10" className="h-2.5 w-2.5" aria-hidden="true">
            <circle cx={5} cy={5} r={4} className={HEALTH_NODE[health].dot} />
          </svg>
          {label}
        </span>
      ))}
      <span className="flex items-center gap-1">
        <span className="h-2.5 w-3.5 rounded-[3px] border border-dashed border-zinc-400" aria-hidden="true" />
        source
      </span>
    </div>
  );
}
