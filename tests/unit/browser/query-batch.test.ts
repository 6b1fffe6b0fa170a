/**
 * The dashboard's query batching and prefetching, with DuckDB-WASM replaced by a stand-in that
 * records what it is asked and answers when the test says: what is under test is the order and
 * overlap of the statements sent, not DuckDB.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as QueryBatch from "@/lib/browser/query-batch";

interface Asked {
  sql: string;
  answer(rows?: { v: string }[]): void;
}

const asked: Asked[] = [];
let running = 0;
let mostAtOnce = 0;

vi.mock("@/lib/browser/duckdb", () => ({
  getBrowserDb: async () => ({
    query: (sql: string) =>
      new Promise((resolve) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        asked.push({
          sql,
          answer: (rows = [{ v: sql }]) => {
            running--;
            resolve(rows);
          },
        });
      }),
  }),
}));

/** Lets queued tasks and promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

async function answerAll(): Promise<void> {
  for (;;) {
    await settle();
    const open = asked.filter((a) => !(a as { done?: boolean }).done);
    if (!open.length) return;
    for (const a of open) {
      (a as { done?: boolean }).done = true;
      a.answer();
    }
  }
}

describe("the dashboard's queries", () => {
  let batch: typeof QueryBatch;

  beforeEach(async () => {
    // What the previous test left under way finishes before this one starts.
    await answerAll();
    asked.length = 0;
    running = 0;
    mostAtOnce = 0;
    vi.resetModules();
    batch = await import("@/lib/browser/query-batch");
  });

  it("prepares the statements one click away one at a time, and a later click is answered from them", async () => {
    batch.prefetch("s1", [{ sql: "select 1" }, { sql: "select 2" }, { sql: "select 3" }]);
    await answerAll();
    expect(asked.map((a) => a.sql)).toEqual(["select 1", "select 2", "select 3"]);
    expect(mostAtOnce).toBe(1);

    const rows = await batch.runQuery("s1", "select 2", "v");
    expect(rows).toEqual([{ v: "select 2" }]);
    expect(asked).toHaveLength(3); // nothing sent again
    // Another publish (scope) is another result.
    const other = batch.runQuery("s2", "select 2", "v");
    await settle();
    expect(asked).toHaveLength(4);
    asked[3]!.answer();
    await other;
  });

  it("a change waits for the one statement under way, and the rest of the prefetch waits for the change", async () => {
    batch.prefetch("s", [{ sql: "p1" }, { sql: "p2" }, { sql: "p3" }]);
    await settle();
    expect(asked.map((a) => a.sql)).toEqual(["p1"]);

    const real = batch.runQuery("s", "real", "v");
    await settle();
    // Sent at once, behind p1 in the engine's own queue; p2 is held back.
    expect(asked.map((a) => a.sql)).toEqual(["p1", "real"]);
    asked[0]!.answer();
    await settle();
    expect(asked.map((a) => a.sql)).toEqual(["p1", "real"]);
    asked[1]!.answer();
    expect(await real).toEqual([{ v: "real" }]);
    await answerAll();
    expect(asked.map((a) => a.sql)).toEqual(["p1", "real", "p2", "p3"]);
  });

  it("a change that asks for the statement being prepared waits for it instead of sending it again", async () => {
    batch.prefetch("s", [{ sql: "same" }, { sql: "later" }]);
    await settle();
    const real = batch.runQuery("s", "same", "v");
    await settle();
    expect(asked.map((a) => a.sql)).toEqual(["same"]);
    asked[0]!.answer([{ v: "prepared" }]);
    expect(await real).toEqual([{ v: "prepared" }]);
  });

  it("a new prefetch replaces what was not run yet, and an empty one stops it", async () => {
    batch.prefetch("s", [{ sql: "a1" }, { sql: "a2" }, { sql: "a3" }]);
    await settle();
    batch.prefetch("s", [{ sql: "b1" }]);
    await answerAll();
    expect(asked.map((a) => a.sql)).toEqual(["a1", "b1"]);

    batch.prefetch("s", [{ sql: "c1" }, { sql: "c2" }]);
    await settle();
    batch.prefetch("s", []);
    await answerAll();
    expect(asked.map((a) => a.sql)).toEqual(["a1", "b1", "c1"]);
  });

  it("statements already kept are not prepared again", async () => {
    const first = batch.runQuery("s", "kept", "v");
    await answerAll();
    await first;
    batch.prefetch("s", [{ sql: "kept" }, { sql: "new" }]);
    await answerAll();
    expect(asked.map((a) => a.sql)).toEqual(["kept", "new"]);
  });
});
