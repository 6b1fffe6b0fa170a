import { describe, expect, it } from "vitest";
import { layoutLineage, type LayoutNodeInput, type LineageLayout } from "@/lib/shared/quality/layout";
import type { LineageNode } from "@/lib/shared/manifest";
import lineage from "../../../fixtures/quality/lineage.json";

const SIZE = { nodeWidth: 148, nodeHeight: 52, columnGap: 24, rowGap: 10, top: 26 };

/** The lineage of the real dbt project (18 models, 6 sources), as the publish writes it. */
const REAL: LayoutNodeInput[] = (lineage as LineageNode[]).map((n) => ({
  id: n.id,
  layer: n.layer,
  dependsOn: n.depends_on,
}));

const nameOf = (id: string) => id.split(".").pop()!;

function placed(layout: LineageLayout, name: string) {
  const node = layout.nodes.find((n) => nameOf(n.id) === name);
  if (!node) throw new Error(`${name} not placed`);
  return node;
}

function expectEdgesLeftToRight(layout: LineageLayout, input: readonly LayoutNodeInput[]) {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const ids = new Set(input.map((n) => n.id));
  const expected = input.flatMap((n) => n.dependsOn.filter((d) => ids.has(d)).map((d) => `${d}>${n.id}`));
  expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(expected.sort());
  for (const e of layout.edges) {
    const from = byId.get(e.from)!;
    const to = byId.get(e.to)!;
    expect(from.column, `${e.from} → ${e.to}`).toBeLessThan(to.column);
    expect(from.x + SIZE.nodeWidth, `${e.from} → ${e.to}`).toBeLessThan(to.x);
  }
}

function expectNoOverlap(layout: LineageLayout) {
  const { nodeWidth: w, nodeHeight: h } = SIZE;
  for (const [i, a] of layout.nodes.entries()) {
    for (const b of layout.nodes.slice(i + 1)) {
      const apart = a.x + w <= b.x || b.x + w <= a.x || a.y + h <= b.y || b.y + h <= a.y;
      expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
    }
    expect(a.x + w).toBeLessThanOrEqual(layout.width);
    expect(a.y + h).toBeLessThanOrEqual(layout.height);
    expect(a.y).toBeGreaterThanOrEqual(SIZE.top);
  }
}

describe("the lineage layout", () => {
  const layout = layoutLineage(REAL, SIZE);

  it("places every source and model of the project once", () => {
    expect(layout.nodes).toHaveLength(24);
    expect(new Set(layout.nodes.map((n) => n.id)).size).toBe(24);
  });

  it("draws every dependency as an edge running left to right", () => {
    expectEdgesLeftToRight(layout, REAL);
  });

  it("never overlaps two nodes and keeps them inside the drawing", () => {
    expectNoOverlap(layout);
  });

  it("puts the layers in reading order, a model reading its own layer one column further right", () => {
    const columnsOf = (layer: string) => [
      ...new Set(layout.nodes.filter((n) => n.layer === layer).map((n) => n.column)),
    ];
    expect(columnsOf("raw")).toEqual([0]);
    expect(columnsOf("staging")).toEqual([1]);
    expect(columnsOf("intermediate").sort()).toEqual([2, 3]);
    expect(columnsOf("marts")).toEqual([4]);
    expect(columnsOf("metrics").sort()).toEqual([5, 6]);
    expect(placed(layout, "int_generations_enriched").column).toBe(2);
    expect(placed(layout, "int_sessions_aggregated").column).toBe(3);
    expect(placed(layout, "daily_metrics").column).toBe(5);
    expect(placed(layout, "weekly_growth").column).toBe(6);
    expect(layout.columns.map((c) => c.layers)).toEqual([
      ["raw"],
      ["staging"],
      ["intermediate"],
      ["intermediate"],
      ["marts"],
      ["metrics"],
      ["metrics"],
    ]);
    expect(layout.width).toBe(7 * 148 + 6 * 24);
  });

  it("lines each staging model up with the source it reads", () => {
    for (const source of ["users", "sessions", "prompts", "generations", "events", "orders"]) {
      expect(placed(layout, `stg_app__${source}`).y, source).toBe(placed(layout, `raw_${source}`).y);
    }
  });

  it("gives the same drawing whatever order the manifest lists the nodes in", () => {
    const shuffled = [...REAL].reverse();
    const again = layoutLineage(shuffled, SIZE);
    const key = (l: LineageLayout) => l.nodes.map((n) => `${n.id}@${n.x},${n.y}`).sort();
    expect(key(again)).toEqual(key(layout));
  });

  it("places a layer it does not know after the known ones, and an edge back into it still runs left to right", () => {
    const input: LayoutNodeInput[] = [
      { id: "source.raw_a", layer: "raw", dependsOn: [] },
      { id: "model.stg_a", layer: "staging", dependsOn: ["source.raw_a"] },
      { id: "model.snap_a", layer: "snapshots", dependsOn: ["model.stg_a"] },
      // A mart reading the unknown layer (listed after it) is pushed right of it.
      { id: "model.fct_a", layer: "marts", dependsOn: ["model.snap_a", "model.missing"] },
    ];
    const small = layoutLineage(input, SIZE);
    expectEdgesLeftToRight(small, input);
    expectNoOverlap(small);
    const col = (id: string) => small.nodes.find((n) => n.id === id)!.column;
    expect([col("source.raw_a"), col("model.stg_a"), col("model.snap_a"), col("model.fct_a")]).toEqual([
      0, 1, 2, 3,
    ]);
  });

  it("refuses a cycle, naming it", () => {
    expect(() =>
      layoutLineage(
        [
          { id: "a", layer: "staging", dependsOn: ["b"] },
          { id: "b", layer: "staging", dependsOn: ["a"] },
        ],
        SIZE,
      ),
    ).toThrow("the lineage has a cycle: a → b → a");
  });

  it("draws nothing for an empty lineage", () => {
    expect(layoutLineage([], SIZE)).toEqual({
      nodes: [],
      edges: [],
      columns: [],
      width: 0,
      height: SIZE.top,
    });
  });
});
