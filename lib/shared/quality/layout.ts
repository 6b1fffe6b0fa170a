/**
 * A layered layout of the lineage graph: sources on the left, then staging, intermediate,
 * marts and metrics, each layer in one or more columns (a model that reads another of its own
 * layer sits a column to its right), so every edge runs left to right. Within a column the
 * nodes are ordered to keep edges short (the barycentre heuristic), then centred vertically.
 */

/** Layers in reading order; layers not listed follow them in alphabetical order. */
export const LAYER_ORDER = ["raw", "staging", "intermediate", "marts", "metrics"] as const;

export interface LayoutNodeInput {
  id: string;
  layer: string;
  /** Ids of the nodes this one reads; ids not in the graph are ignored. */
  dependsOn: readonly string[];
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  columnGap: number;
  rowGap: number;
  /** Space above the first row (for the column headings). */
  top?: number;
}

export interface PlacedNode {
  id: string;
  layer: string;
  column: number;
  row: number;
  /** Top-left corner. */
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** SVG path from the right edge of `from` to the left edge of `to`. */
  path: string;
}

export interface LayoutColumn {
  index: number;
  x: number;
  /** The layers of the nodes in this column (one, unless an unknown layer mixes in). */
  layers: string[];
}

export interface LineageLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  columns: LayoutColumn[];
  width: number;
  height: number;
}

function layerRank(layers: Iterable<string>): Map<string, number> {
  const known = LAYER_ORDER as readonly string[];
  const unknown = [...new Set(layers)].filter((l) => !known.includes(l)).sort();
  return new Map([...known, ...unknown].map((l, i) => [l, i]));
}

/** The nodes in an order where every node comes after what it reads; throws on a cycle. */
function topologicalOrder(nodes: readonly LayoutNodeInput[], deps: Map<string, string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === "done") return;
    if (s === "visiting") throw new Error(`the lineage has a cycle: ${[...path, id].join(" → ")}`);
    state.set(id, "visiting");
    for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
    state.set(id, "done");
    order.push(id);
  };
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) visit(n.id, []);
  return order;
}

export function layoutLineage(input: readonly LayoutNodeInput[], options: LayoutOptions): LineageLayout {
  const top = options.top ?? 0;
  const ids = new Set(input.map((n) => n.id));
  const byId = new Map(input.map((n) => [n.id, n]));
  const deps = new Map(
    input.map((n) => [n.id, [...new Set(n.dependsOn)].filter((d) => ids.has(d) && d !== n.id)]),
  );
  const dependents = new Map<string, string[]>(input.map((n) => [n.id, []]));
  for (const [id, ds] of deps) for (const d of ds) dependents.get(d)!.push(id);
  const topo = topologicalOrder(input, deps);
  const rank = layerRank(input.map((n) => n.layer));

  // Columns: each layer starts right of the previous one; within a layer a node sits right of
  // everything it reads. A node reading from a later layer (unusual) is pushed right as well.
  const column = new Map<string, number>();
  const layers = [...new Set(input.map((n) => n.layer))].sort((a, b) => rank.get(a)! - rank.get(b)!);
  let start = 0;
  for (const layer of layers) {
    let last = start;
    for (const id of topo) {
      if (byId.get(id)!.layer !== layer) continue;
      let c = start;
      for (const d of deps.get(id)!) {
        const dc = column.get(d);
        if (dc !== undefined) c = Math.max(c, dc + 1);
      }
      column.set(id, c);
      last = Math.max(last, c);
    }
    start = last + 1;
  }
  for (const id of topo) {
    for (const d of deps.get(id)!) column.set(id, Math.max(column.get(id)!, column.get(d)! + 1));
  }
  // A push can leave a column empty: close the gap (the order of columns, so edges, is kept).
  const used = [...new Set(column.values())].sort((a, b) => a - b);
  const compact = new Map(used.map((c, i) => [c, i]));
  for (const [id, c] of column) column.set(id, compact.get(c)!);

  // Rows: start in name order, then sweep right and left ordering each column by the mean
  // position of its neighbours in the columns already ordered.
  const columnCount = Math.max(0, ...column.values()) + (input.length ? 1 : 0);
  const cols: string[][] = Array.from({ length: columnCount }, () => []);
  for (const id of [...ids].sort()) cols[column.get(id)!]!.push(id);
  const maxRows = Math.max(0, ...cols.map((c) => c.length));
  const position = new Map<string, number>();
  const place = (c: number) => {
    const offset = (maxRows - cols[c]!.length) / 2;
    cols[c]!.forEach((id, i) => position.set(id, offset + i));
  };
  cols.forEach((_, c) => place(c));
  const reorder = (c: number, neighbours: (id: string) => string[]) => {
    const key = new Map<string, number>();
    for (const id of cols[c]!) {
      const ps = neighbours(id)
        .map((n) => position.get(n))
        .filter((p): p is number => p !== undefined);
      key.set(id, ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : position.get(id)!);
    }
    cols[c]!.sort((a, b) => key.get(a)! - key.get(b)! || position.get(a)! - position.get(b)!);
    place(c);
  };
  for (let sweep = 0; sweep < 3; sweep++) {
    for (let c = 1; c < columnCount; c++) reorder(c, (id) => deps.get(id)!);
    for (let c = columnCount - 2; c >= 0; c--) reorder(c, (id) => dependents.get(id)!);
  }
  for (let c = 1; c < columnCount; c++) reorder(c, (id) => deps.get(id)!);

  const { nodeWidth: w, nodeHeight: h, columnGap, rowGap } = options;
  const xOf = (c: number) => c * (w + columnGap);
  const nodes: PlacedNode[] = [];
  cols.forEach((list, c) =>
    list.forEach((id, row) => {
      nodes.push({
        id,
        layer: byId.get(id)!.layer,
        column: c,
        row,
        x: xOf(c),
        y: top + position.get(id)! * (h + rowGap),
      });
    }),
  );
  const placed = new Map(nodes.map((n) => [n.id, n]));
  const edges: PlacedEdge[] = [];
  for (const id of topo) {
    const to = placed.get(id)!;
    for (const d of deps.get(id)!) {
      const from = placed.get(d)!;
      const x1 = from.x + w;
      const y1 = from.y + h / 2;
      const x2 = to.x;
      const y2 = to.y + h / 2;
      const bend = Math.max(columnGap * 0.75, (x2 - x1) / 2);
      edges.push({
        from: d,
        to: id,
        path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      });
    }
  }
  const columns: LayoutColumn[] = cols.map((list, c) => ({
    index: c,
    x: xOf(c),
    layers: [...new Set(list.map((id) => byId.get(id)!.layer))].sort((a, b) => rank.get(a)! - rank.get(b)!),
  }));
  return {
    nodes,
    edges,
    columns,
    width: columnCount ? xOf(columnCount - 1) + w : 0,
    height: maxRows ? top + maxRows * h + (maxRows - 1) * rowGap : top,
  };
}
