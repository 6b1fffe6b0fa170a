import "server-only";
/**
 * What a generator knows about the day it writes: the settings, the day's date and ids, and
 * its random streams. Built once per day by `dayContext`, passed to every table's module.
 */
import { DEFAULT_GROWTH, type GrowthParams } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { batchDateOf, dayStartMs, firstUserIdOfDay, newUsersOnDay } from "./growth";
import { streamSalt } from "./random";

/** The generator settings of a simulation (from the config). */
export interface GeneratorSettings {
  seed: number;
  /** round(users × scale): the base of the growth model. */
  baseUsers: number;
  /** Day 1's date, YYYY-MM-DD. */
  startDate: string;
  /** The growth model's parameters (the config's `growth`); DESIGN.md's defaults when absent. */
  growth?: GrowthParams;
}

/**
 * Ids of sessions, prompts, generations, events and orders read as day | user_id | index:
 * day × ID_DAY_STRIDE + user_id × ID_USER_STRIDE + the row's index among that user's rows of
 * the table that day (e.g. event 200000012307 is day 2, user 123, event 7). Unique across
 * days, the same whenever the day is regenerated, and computable without numbering rows.
 */
export const ID_DAY_STRIDE = 1_000_000_000_000;
export const ID_USER_STRIDE = 100;
/** Users a day's ids have room for. */
export const MAX_USER_ID = ID_DAY_STRIDE / ID_USER_STRIDE - 1;

export interface DayContext extends GeneratorSettings {
  growth: GrowthParams;
  /** 1-based simulated day. */
  day: number;
  /** The day's date, YYYY-MM-DD (the raw tables' batch_date). */
  batchDate: string;
  /** 00:00 UTC of the day, in ms since the epoch. */
  dayStartMs: number;
  /** The first user_id that signs up this day. */
  firstUserId: number;
  /** Users who sign up this day: ids firstUserId … firstUserId + newUsers − 1. */
  newUsers: number;
  /** Users signed up on or before this day: ids 1 … usersThrough. */
  usersThrough: number;
  /** day × ID_DAY_STRIDE: the id base of the day's non-user rows. */
  idBase: number;
  /** The salt of a random stream of this day (day-independent when `perDay` is false). */
  salt(tag: string, perDay?: boolean): bigint;
}

export function dayContext(settings: GeneratorSettings, day: number): DayContext {
  const { seed, baseUsers, startDate } = settings;
  const growth = settings.growth ?? DEFAULT_GROWTH;
  if (!Number.isInteger(day) || day < 1 || day > 100_000) {
    throw new SbdkError("invalid:generate", `A simulated day is a whole number from 1, got ${day}.`);
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new SbdkError("invalid:generate", `The seed is a whole number of 0 or more, got ${seed}.`);
  }
  if (!Number.isInteger(baseUsers) || baseUsers < 1) {
    throw new SbdkError(
      "invalid:generate",
      `The base user count is a whole number from 1, got ${baseUsers}.`,
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))) {
    throw new SbdkError("invalid:generate", `The start date is a date as YYYY-MM-DD, got "${startDate}".`);
  }
  const firstUserId = firstUserIdOfDay(baseUsers, day, growth);
  const newUsers = newUsersOnDay(baseUsers, day, growth);
  const usersThrough = firstUserId - 1 + newUsers;
  if (usersThrough > MAX_USER_ID || day * ID_DAY_STRIDE > Number.MAX_SAFE_INTEGER) {
    throw new SbdkError(
      "invalid:generate",
      `Day ${day} of a base of ${baseUsers} users is beyond what ids can number.`,
      {
        hint: "Lower users × scale or the number of days.",
      },
    );
  }
  return {
    seed,
    baseUsers,
    startDate,
    growth,
    day,
    batchDate: batchDateOf(startDate, day),
    dayStartMs: dayStartMs(startDate, day),
    firstUserId,
    newUsers,
    usersThrough,
    idBase: day * ID_DAY_STRIDE,
    salt: (tag, perDay = true) => streamSalt(seed, tag, perDay ? day : 0),
  };
}

/** SQL for a TIMESTAMP `offsetMs` (a SQL expression) milliseconds after 00:00 of the day. */
export function dayTimestampSql(ctx: DayContext, offsetMs: string): string {
  return `make_timestamp((${ctx.dayStartMs}::BIGINT + (${offsetMs})) * 1000)`;
}

/** SQL for the id of a user's row of the day: idBase + user_id × ID_USER_STRIDE + index. */
export function rowIdSql(ctx: DayContext, userId: string, index: string): string {
  return `(${ctx.idBase}::BIGINT + (${userId}) * ${ID_USER_STRIDE} + (${index}))`;
}

/** SQL for the random-stream key of a user's row of the day: user_id × ID_USER_STRIDE + index. */
export function rowKeySql(userId: string, index: string): string {
  return `((${userId}) * ${ID_USER_STRIDE} + (${index}))`;
}
