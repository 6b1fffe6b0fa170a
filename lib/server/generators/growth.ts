import "server-only";
/**
 * The growth model: how many users sign up on each simulated day, and so which user ids a
 * day owns. user_id runs 1, 2, 3 … in signup order, so the ids of day D follow from the
 * base and the growth parameters alone, without reading the warehouse.
 */
import { DEFAULT_GROWTH, type GrowthParams } from "@/lib/shared/config";

export { DAILY_GROWTH, DAILY_SHARE, DAY_ONE_SHARE } from "@/lib/shared/domain";

export const MS_PER_DAY = 86_400_000;

/** The part of the growth parameters that decides signups. */
export type SignupParams = Pick<GrowthParams, "day_one_share" | "daily_share" | "daily_growth">;

/** The base user count of the growth model: round(users × scale). */
export function baseUserCount(users: number, scale = 1): number {
  return Math.round(users * scale);
}

/**
 * Users who sign up on day `day` (1-based): round(base × day_one_share) on day 1,
 * round(base × daily_share × daily_growth^(day − 1)) after.
 */
export function newUsersOnDay(base: number, day: number, growth: SignupParams = DEFAULT_GROWTH): number {
  assertDay(day);
  if (day === 1) return Math.round(base * growth.day_one_share);
  return Math.round(base * growth.daily_share * growth.daily_growth ** (day - 1));
}

/** Users signed up on days 1 … `day` (0 for day 0). */
export function usersThroughDay(base: number, day: number, growth: SignupParams = DEFAULT_GROWTH): number {
  let total = 0;
  for (let d = 1; d <= day; d++) total += newUsersOnDay(base, d, growth);
  return total;
}

/** The first user_id of day `day` (the id the next signup would get when the day adds none). */
export function firstUserIdOfDay(base: number, day: number, growth: SignupParams = DEFAULT_GROWTH): number {
  assertDay(day);
  return usersThroughDay(base, day - 1, growth) + 1;
}

/** The calendar date (YYYY-MM-DD, UTC) of simulated day `day`; day 1 is `startDate`. */
export function batchDateOf(startDate: string, day: number): string {
  assertDay(day);
  return new Date(dayStartMs(startDate, day)).toISOString().slice(0, 10);
}

/** Milliseconds since the epoch of 00:00 UTC of simulated day `day`. */
export function dayStartMs(startDate: string, day: number): number {
  const start = Date.parse(`${startDate}T00:00:00Z`);
  if (Number.isNaN(start)) throw new Error(`not a date (YYYY-MM-DD): ${startDate}`);
  return start + (day - 1) * MS_PER_DAY;
}

function assertDay(day: number): void {
  if (!Number.isInteger(day) || day < 1)
    throw new Error(`a simulated day is a whole number from 1, got ${day}`);
}
