import "server-only";
/**
 * raw_prompts: one prompt per generation, submitted inside its session at the session's pace
 * (prompt i at start + i × pace + up to a quarter pace of jitter). Category by
 * PROMPT_CATEGORY_WEIGHTS. The text is a lead of the category ("Write a poem about") + a
 * subject + a modifier from a pool of faker phrases per seed, recombined per day into
 * TEXTS_PER_CATEGORY texts per category; TOXIC_SHARE of the subjects carry a word of
 * TOXICITY_WORDS, so the toxicity backfill has something to find.
 */
import type { Faker } from "@faker-js/faker";
import { TOXICITY_WORDS, type PROMPT_CATEGORIES } from "@/lib/shared/domain";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";
import { dayTimestampSql, rowIdSql, rowKeySql, type DayContext } from "./context";
import { hashSql, intPartSql, seededFaker, uniformPartSql, uniformSql } from "./random";
import { STAGE_SESSION_SLOTS } from "./sessions";
import { weightedIndexSql } from "./weighted";

export type PromptCategory = (typeof PROMPT_CATEGORIES)[number];

export const PROMPT_CATEGORY_WEIGHTS: Record<PromptCategory, number> = {
  image: 45,
  text: 30,
  code: 15,
  audio: 10,
};
/** Subjects and modifiers in a seed's pool. */
export const SUBJECT_POOL_SIZE = 4096;
export const MODIFIER_POOL_SIZE = 256;
/** Share of pool subjects that contain a toxicity word. */
export const TOXIC_SHARE = 0.03;

export const PROMPT_LEADS: Record<PromptCategory, readonly string[]> = {
  image: [
    "Generate an image of",
    "A photorealistic picture of",
    "Draw",
    "Create a watercolor painting of",
    "Design a poster featuring",
    "An isometric illustration of",
  ],
  text: [
    "Write a short story about",
    "Write a poem about",
    "Summarize an article about",
    "Draft a product description for",
    "Write a tweet about",
    "Explain to a child",
  ],
  code: [
    "Write a Python function that models",
    "Build a React component showing",
    "Write SQL to analyze",
    "Create a REST API for",
    "Write unit tests for a service about",
  ],
  audio: [
    "Compose a lo-fi track inspired by",
    "Generate a podcast intro about",
    "Create a sound effect of",
    "Narrate a bedtime story about",
  ],
};

/** The staging table of the day's prompt texts: idx, prompt_category, prompt_text. */
export const STAGE_PROMPT_TEXTS = "gen_prompt_texts";
/**
 * Texts per category in a day's table: idx = category index × TEXTS_PER_CATEGORY + n. Up to
 * ~3,000 distinct texts a column segment holds, DuckDB stores them dictionary-compressed; more
 * and it falls back to FSST, which makes writing prompts about half again as slow.
 */
export const TEXTS_PER_CATEGORY = 512;

export interface PromptPool {
  subjects: string[];
  modifiers: string[];
}

const poolCache = new Map<number, PromptPool>();

/**
 * The seed's pool of prompt phrases, from faker seeded by (seed, "prompts"): SUBJECT_POOL_SIZE
 * subjects (TOXIC_SHARE of them with a toxicity word) and MODIFIER_POOL_SIZE modifiers. Kept
 * per process: faker's templated phrases are slow, and a day only recombines them.
 */
export function promptPool(seed: number): PromptPool {
  const cached = poolCache.get(seed);
  if (cached) return cached;
  const faker = seededFaker(seed, "prompts", 0);
  const subjects: string[] = [];
  for (let i = 0; i < SUBJECT_POOL_SIZE; i++) {
    const subject = promptSubject(faker);
    if (faker.number.float() < TOXIC_SHARE) {
      const word = faker.helpers.arrayElement(TOXICITY_WORDS);
      subjects.push(
        faker.helpers.arrayElement([
          `${subject} that looks ${word}`,
          `${word} ${subject}`,
          `${subject} and the ${word} of it all`,
          `how to ${word} ${subject}`,
        ]),
      );
    } else {
      subjects.push(subject);
    }
  }
  const modifiers: string[] = [""];
  while (modifiers.length < MODIFIER_POOL_SIZE) {
    modifiers.push(
      faker.helpers.arrayElement([
        () => `, in the style of ${faker.person.lastName()}`,
        () => `, set in ${faker.location.city()}`,
        () => `, for ${faker.company.name()}`,
        () => `, ${faker.word.adverb()} ${faker.word.adjective()}`,
        () => ` with a ${faker.color.human()} palette`,
        () => "",
      ])(),
    );
  }
  const pool = { subjects, modifiers };
  if (poolCache.size > 8) poolCache.clear();
  poolCache.set(seed, pool);
  return pool;
}

/**
 * The day's prompt texts, TEXTS_PER_CATEGORY per category in PROMPT_CATEGORY_WEIGHTS order:
 * a lead of the category + a pool subject + a pool modifier, combined by faker seeded with
 * (seed, "prompts", day).
 */
export function dayPromptTexts(seed: number, day: number): DayPromptTexts {
  const pool = promptPool(seed);
  const faker = seededFaker(seed, "prompts", day);
  const categories: PromptCategory[] = [];
  const texts: string[] = [];
  for (const category of Object.keys(PROMPT_CATEGORY_WEIGHTS) as PromptCategory[]) {
    const leads = PROMPT_LEADS[category];
    for (let n = 0; n < TEXTS_PER_CATEGORY; n++) {
      categories.push(category);
      texts.push(
        `${faker.helpers.arrayElement(leads)} ${faker.helpers.arrayElement(pool.subjects)}${faker.helpers.arrayElement(pool.modifiers)}`,
      );
    }
  }
  return { categories, texts };
}

export interface DayPromptTexts {
  categories: PromptCategory[];
  texts: string[];
}

/** Writes the day's prompt texts (from `dayPromptTexts`) into STAGE_PROMPT_TEXTS. */
export async function stagePromptTexts(
  db: Warehouse,
  { categories, texts }: DayPromptTexts,
): Promise<number> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${STAGE_PROMPT_TEXTS} (idx INTEGER NOT NULL, prompt_category VARCHAR NOT NULL, prompt_text VARCHAR NOT NULL)`,
  );
  return db.appendColumns(STAGE_PROMPT_TEXTS, [texts.map((_, i) => i), categories, texts]);
}

/** Columns of a session slot and one of its generations, as SQL expressions. */
export interface GenerationRef {
  startMs: string;
  paceMs: string;
  /** 0-based index of the generation within its session. */
  index: string;
  /** The generation's random-stream key (user_id × ID_USER_STRIDE + its index in the user-day). */
  key: string;
}

/** Offset in the day (ms) at which a session's prompt `index` is submitted. */
export function promptSubmittedMsSql(ctx: DayContext, g: GenerationRef): string {
  return `((${g.startMs}) + (${g.index}) * (${g.paceMs}) + floor(${uniformSql(ctx.salt("prompts.jitter"), g.key)} * ((${g.paceMs}) // 4))::BIGINT)`;
}

/**
 * The session slots expanded to one row per generation: session_id, user_id, i (index in the
 * session), gi (index in the user-day), key, start_ms, pace_ms. Prompts and generations both
 * read it.
 */
export function generationSlotsSql(): string {
  return `
    SELECT session_id, user_id, start_ms, pace_ms, i, first_index + i AS gi, ${rowKeySql("user_id", "first_index + i")} AS key
    FROM (SELECT session_id, user_id, start_ms, pace_ms, first_index, unnest(range(n_generations)) AS i FROM ${STAGE_SESSION_SLOTS})`;
}

/** The day's raw_prompts rows (columns in table order). */
export function selectPromptsSql(ctx: DayContext): string {
  const submittedMs = promptSubmittedMsSql(ctx, {
    startMs: "p.start_ms",
    paceMs: "p.pace_ms",
    index: "p.i",
    key: "p.key",
  });
  return `
    WITH picked AS (
      SELECT
        *,
        ${weightedIndexSql(PROMPT_CATEGORY_WEIGHTS, uniformPartSql("h_text", 0))} * ${TEXTS_PER_CATEGORY}
          + ${intPartSql("h_text", 1, TEXTS_PER_CATEGORY)} AS text_idx
      FROM (SELECT *, ${hashSql(ctx.salt("prompts.text"), "key")} AS h_text FROM (${generationSlotsSql()}))
    )
    SELECT
      ${rowIdSql(ctx, "p.user_id", "p.gi")} AS prompt_id,
      p.session_id,
      p.user_id,
      t.prompt_text,
      t.prompt_category,
      ${dayTimestampSql(ctx, submittedMs)} AS submitted_at,
      DATE '${ctx.batchDate}' AS batch_date
    FROM picked AS p
    JOIN ${STAGE_PROMPT_TEXTS} AS t ON t.idx = p.text_idx`;
}

function promptSubject(faker: Faker): string {
  switch (faker.number.int(5)) {
    case 0:
      return `${withArticle(faker.word.adjective())} ${faker.word.noun()} in ${faker.location.city()}`;
    case 1:
      return `${withArticle(faker.commerce.productAdjective().toLowerCase())} ${faker.commerce.product().toLowerCase()} made of ${faker.commerce.productMaterial().toLowerCase()}`;
    case 2:
      return `the ${faker.hacker.adjective()} ${faker.hacker.noun()} of ${faker.company.name()}`;
    case 3:
      return `${withArticle(faker.animal.type())} that likes to ${faker.word.verb()} at ${faker.helpers.arrayElement(["dawn", "noon", "dusk", "midnight"])}`;
    case 4:
      return `${withArticle(faker.word.adjective())} ${faker.word.noun()} next to ${withArticle(faker.word.noun())}`;
    default:
      return faker.company.catchPhrase().toLowerCase();
  }
}

function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}
