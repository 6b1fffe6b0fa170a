import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BACKFILL_NAMES,
  BACKFILLS,
  backfillDbtFiles,
  backfillTestName,
  dayRanges,
  findBackfill,
  formatBackfillValue,
  formatDayRanges,
  histogramEdges,
  newApplyId,
  parseApplyRequest,
  planBatches,
  statusFromDays,
  APPLY_ID_PATTERN,
} from "@/lib/shared/backfills";
import { TOXICITY_WORDS } from "@/lib/shared/domain";
import { SbdkError } from "@/lib/shared/errors";

const DBT = join(__dirname, "..", "..", "..", "dbt");
const read = (file: string) => readFileSync(join(DBT, file), "utf8");

/** The lines of a var's block in dbt_project.yml (`  name:` then lines indented further). */
function varBlock(name: string): string[] {
  const lines = read("dbt_project.yml").split("\n");
  const start = lines.indexOf(`  ${name}:`);
  if (start === -1) throw new Error(`no var ${name} in dbt_project.yml`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("    ")) break;
    block.push(line);
  }
  return block;
}

/** The entries of var('backfills') in dbt_project.yml. */
function dbtBackfills(): Record<string, string>[] {
  const entries: Record<string, string>[] = [];
  for (const line of varBlock("backfills")) {
    const [key, value] = line.replace(/^ {4}(- | {2})/, "").split(": ") as [string, string];
    if (line.startsWith("    - ")) entries.push({});
    entries[entries.length - 1]![key] = value;
  }
  return entries;
}

function errorOf(fn: () => unknown): SbdkError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SbdkError) return err;
    throw err;
  }
  throw new Error("expected an SbdkError");
}

describe("the backfill registry", () => {
  it("has the four backfills of the design, each on its own mart column", () => {
    expect(BACKFILLS.map((b) => `${b.name} → ${b.model}.${b.column}`)).toEqual([
      "prompt_toxicity → dim_prompts.toxicity_score",
      "user_lifetime_value → dim_users.lifetime_value",
      "session_engagement_score → fct_sessions.engagement_score",
      "generation_quality_flag → fct_generations.quality_tier",
    ]);
    for (const b of BACKFILLS) {
      expect(b.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(b.description.length).toBeGreaterThan(40);
    }
  });

  it("says the same as var('backfills') of the dbt project: model, key, column and kind", () => {
    expect(dbtBackfills()).toEqual(
      BACKFILLS.map((b) => ({
        name: b.name,
        model: b.model,
        key: b.key,
        column: b.column,
        kind: b.value.kind,
      })),
    );
  });

  it("has the dbt code of every backfill: its macro, its column in the mart, and its test", () => {
    for (const b of BACKFILLS) {
      const files = backfillDbtFiles(b);
      expect(read(files.macro), files.macro).toMatch(new RegExp(`{% macro ${b.name}\\(\\) -%}`));
      expect(read(files.model), files.model).toContain(`{{ backfill_value('${b.name}') }} as ${b.column}`);
      const schema = read(files.schema);
      const column = schema.slice(schema.indexOf(`- name: ${b.column}\n`));
      expect(column, files.schema).toContain(`name: ${backfillTestName(b.name)}`);
      if (b.value.kind === "number") {
        expect(column).toContain(`min_value: ${b.value.min}`);
        if (b.value.max !== null) expect(column).toContain(`max_value: ${b.value.max}`);
      } else {
        expect(column).toContain(`values: [${b.value.values.map((v) => `"${v}"`).join(", ")}]`);
      }
    }
  });

  it("scores exactly the toxicity words the prompt generator plants", () => {
    const words = varBlock("toxicity_words").map((line) => line.trim().split(": ")[0]);
    expect(words.sort()).toEqual([...TOXICITY_WORDS].sort());
  });

  it("finds a backfill by name; an unknown name is not_found and lists the known ones", () => {
    expect(findBackfill("user_lifetime_value").model).toBe("dim_users");
    const err = errorOf(() => findBackfill("toxicity"));
    expect(err.code).toBe("not_found:backfill");
    expect(err.status).toBe(404);
    expect(err.message).toBe('there is no backfill named "toxicity"');
    expect(err.details).toEqual([`known backfills: ${BACKFILL_NAMES.join(", ")}`]);
  });
});

describe("days and batches", () => {
  it("groups days into runs of consecutive days, across a month's end", () => {
    expect(
      dayRanges(["2025-12-03", "2025-12-01", "2025-12-02", "2025-12-31", "2026-01-01", "2026-01-03"]),
    ).toEqual([
      { start: "2025-12-01", end: "2025-12-03", days: 3 },
      { start: "2025-12-31", end: "2026-01-01", days: 2 },
      { start: "2026-01-03", end: "2026-01-03", days: 1 },
    ]);
    expect(formatDayRanges(dayRanges(["2025-12-01", "2025-12-02", "2025-12-05"]))).toBe(
      "2025-12-01 – 2025-12-02, 2025-12-05",
    );
    expect(formatDayRanges([])).toBe("none");
  });

  it("plans batches of at most N consecutive days, with their rows", () => {
    const days = ["2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05", "2025-12-08"].map(
      (day, i) => ({ day, rows: 10 * (i + 1) }),
    );
    expect(planBatches(days, 2)).toEqual([
      { start: "2025-12-01", end: "2025-12-02", days: 2, rows: 30 },
      { start: "2025-12-03", end: "2025-12-04", days: 2, rows: 70 },
      { start: "2025-12-05", end: "2025-12-05", days: 1, rows: 50 },
      { start: "2025-12-08", end: "2025-12-08", days: 1, rows: 60 },
    ]);
    expect(planBatches(days, 7).map((b) => `${b.start}…${b.end}`)).toEqual([
      "2025-12-01…2025-12-05",
      "2025-12-08…2025-12-08",
    ]);
    expect(planBatches([], 7)).toEqual([]);
    expect(() => planBatches(days, 0)).toThrow(RangeError);
  });
});

describe("a backfill's status", () => {
  const day = (d: number, rows: number, filled: number) => ({ day: `2025-12-0${d}`, rows, filled });

  it("is applied when every row of every day has a value", () => {
    const s = statusFromDays({
      name: "x",
      perDay: [day(1, 5, 5), day(2, 3, 3)],
      enabledDays: 2,
      columnExists: true,
    });
    expect(s).toMatchObject({
      state: "applied",
      days: 2,
      filledDays: 2,
      rows: 8,
      filledRows: 8,
      missing: [],
      enabled: true,
    });
  });

  it("is partly applied with the days filled and the days missing; a day half filled is missing", () => {
    const s = statusFromDays({
      name: "x",
      perDay: [day(1, 5, 5), day(2, 3, 1), day(3, 4, 0), day(4, 2, 2)],
      enabledDays: 3,
      columnExists: true,
    });
    expect(s.state).toBe("partial");
    expect(s.filled).toEqual([
      { start: "2025-12-01", end: "2025-12-01", days: 1 },
      { start: "2025-12-04", end: "2025-12-04", days: 1 },
    ]);
    expect(s.missing).toEqual([{ start: "2025-12-02", end: "2025-12-03", days: 2 }]);
    expect(s.filledRows).toBe(8);
  });

  it("is not applied with no value at all, and no data without rows", () => {
    expect(
      statusFromDays({ name: "x", perDay: [day(1, 5, 0)], enabledDays: 0, columnExists: false }).state,
    ).toBe("not_applied");
    expect(statusFromDays({ name: "x", perDay: [], enabledDays: 0, columnExists: false }).state).toBe(
      "no_data",
    );
  });
});

describe("the preview's histogram", () => {
  it("has round bins over the domain, the last one reaching the maximum", () => {
    expect(histogramEdges(0, 1, 10)).toEqual({ start: 0, width: 0.1, bins: 10 });
    expect(histogramEdges(0, 100, 10)).toEqual({ start: 0, width: 10, bins: 10 });
    expect(histogramEdges(0, 675.55, 10)).toEqual({ start: 0, width: 100, bins: 7 });
  });
});

describe("apply requests", () => {
  it("accept an empty body and batch_days from 1 to 366", () => {
    expect(parseApplyRequest(undefined)).toEqual({});
    expect(parseApplyRequest({ batch_days: 3 })).toEqual({ batch_days: 3 });
  });

  it("refuse a bad field by name and unknown fields", () => {
    for (const [body, field, message] of [
      [{ batch_days: 0 }, "batch_days", '"batch_days": expected 1 or more days'],
      [{ batch_days: 2.5 }, "batch_days", '"batch_days": expected a whole number of days'],
      [{ batch_days: "7" }, "batch_days", '"batch_days": expected a whole number of days'],
      [{ days: 3 }, "days", '"days" is not a setting of an apply'],
      [[1], "body", "expected a JSON object"],
    ] as const) {
      const err = errorOf(() => parseApplyRequest(body));
      expect(err.code).toBe("invalid:backfill");
      expect(err.field).toBe(field);
      expect(err.message).toBe(message);
    }
  });

  it("get ids like a run's, sortable by time", () => {
    const id = newApplyId(new Date("2026-11-23T02:58:01.123Z"), () => "ab12");
    expect(id).toBe("b-20261123-025801-ab12");
    expect(APPLY_ID_PATTERN.test(newApplyId(new Date()))).toBe(true);
  });
});

describe("values as people read them", () => {
  it("writes dollars with cents, scores plainly, categories as they are, no value as a dash", () => {
    expect(formatBackfillValue(findBackfill("user_lifetime_value"), 1234.5)).toBe("$1,234.50");
    expect(formatBackfillValue(findBackfill("prompt_toxicity"), 0.6000000001)).toBe("0.6");
    expect(formatBackfillValue(findBackfill("generation_quality_flag"), "poor")).toBe("poor");
    expect(formatBackfillValue(findBackfill("prompt_toxicity"), null)).toBe("–");
  });
});
