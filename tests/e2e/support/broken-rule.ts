/** The one dbt test the end-to-end data fails on purpose (see break-a-rule.ts). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { E2E_DIR } from "./env";

export const BROKEN_RULE = { test: "assert_no_orphan_prompts", model: "dim_prompts" } as const;

export interface BrokenRule {
  test: typeof BROKEN_RULE.test;
  model: typeof BROKEN_RULE.model;
  /** The generation deleted from raw_generations. */
  generation_id: number;
  /** Its prompt, now without an answer: the failing row of the test. */
  prompt_id: number;
}

export const BROKEN_RULE_FILE = join(E2E_DIR, "broken-rule.json");

export function readBrokenRule(): BrokenRule {
  return JSON.parse(readFileSync(BROKEN_RULE_FILE, "utf8")) as BrokenRule;
}
