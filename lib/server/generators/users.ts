import "server-only";
/**
 * raw_users: the people who sign up on a day. Names and emails come from faker (seeded per
 * seed and day, generated in id order); a user's lifetime attributes (tier, region, device,
 * signup time) are hashes of (seed, user_id), so the activity of any later day can recompute
 * them in SQL without reading the warehouse.
 *
 * Distributions: tier free 70 / pro 25 / enterprise 5, region and device by REGION_WEIGHTS and
 * DEVICE_WEIGHTS, signed_up_at uniform (whole seconds) over 00:00–21:00 UTC of the day, so the
 * sessions that follow a signup still fit in the day.
 */
import { DEVICE_WEIGHTS, REGION_WEIGHTS, TIER_WEIGHTS, type UserTier } from "@/lib/shared/domain";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";
import { dayTimestampSql, type DayContext } from "./context";
import { seededFaker, uniformSql } from "./random";
import { weightedChoiceSql, weightedIndexSql } from "./weighted";

/** Signups happen between 00:00 and SIGNUP_WINDOW_MS of the day. */
export const SIGNUP_WINDOW_MS = 21 * 3_600_000;

/** The staging table of the day's faker identities: user_id, email, name. */
export const STAGE_IDENTITIES = "gen_user_identities";

/** The tiers in code order: TIER_CODES[userTierCodeSql(…)] is userTierSql(…). */
export const TIER_CODES = Object.keys(TIER_WEIGHTS) as UserTier[];

function tierUniformSql(ctx: DayContext, userId: string): string {
  return uniformSql(ctx.salt("users.tier", false), userId);
}

/** A user's tier, as SQL over a BIGINT user_id expression; the same on every day. */
export function userTierSql(ctx: DayContext, userId: string): string {
  return weightedChoiceSql(TIER_WEIGHTS, tierUniformSql(ctx, userId));
}

/** A user's tier as its index in TIER_CODES (0 free, 1 pro, 2 enterprise): cheaper than the string. */
export function userTierCodeSql(ctx: DayContext, userId: string): string {
  return weightedIndexSql(TIER_WEIGHTS, tierUniformSql(ctx, userId));
}

/** A user's usual device, as SQL over a BIGINT user_id expression. */
export function userDeviceSql(ctx: DayContext, userId: string): string {
  return weightedChoiceSql(DEVICE_WEIGHTS, uniformSql(ctx.salt("users.device", false), userId));
}

/** Milliseconds after 00:00 of the signup day at which the user signs up (whole seconds). */
export function userSignupOffsetMsSql(ctx: DayContext, userId: string): string {
  return `(floor(${uniformSql(ctx.salt("users.signup", false), userId)} * ${SIGNUP_WINDOW_MS / 1000})::BIGINT * 1000)`;
}

/** The deterministic fallback for an email already taken: local+<user_id>@domain. */
export function fallbackEmail(email: string, userId: number): string {
  const at = email.lastIndexOf("@");
  return `${email.slice(0, at)}+${userId}@${email.slice(at + 1)}`;
}

/** The same fallback in SQL, over VARCHAR email and BIGINT user_id expressions. */
export function fallbackEmailSql(email: string, userId: string): string {
  return `(split_part(${email}, '@', 1) || '+' || (${userId})::VARCHAR || '@' || split_part(${email}, '@', 2))`;
}

export interface UserIdentities {
  names: string[];
  emails: string[];
}

/**
 * Names and emails of `count` users with ids from `firstUserId`, from faker seeded by
 * (seed, "users", day). Faker's `internet.email` and `person.lastName` run at ~100–400k/s;
 * picking from faker's own locale data with its seeded generator gives the same kind of names
 * several times faster. Emails are unique within the call: a repeat gets the fallback
 * local+<user_id>@domain (faker never puts a "+" in an email, so fallbacks collide with nothing).
 */
export function fakeUserIdentities(
  seed: number,
  day: number,
  firstUserId: number,
  count: number,
): UserIdentities {
  const faker = seededFaker(seed, "users", day);
  const person = faker.definitions.person;
  const female = person.first_name.female ?? person.first_name.generic ?? [];
  const male = person.first_name.male ?? person.first_name.generic ?? [];
  const lastNames = person.last_name.generic ?? [];
  const providers = faker.definitions.internet.free_email;
  const suffixes = faker.definitions.internet.domain_suffix;
  const int = (max: number) => faker.number.int(max);
  const pick = <T>(list: readonly T[]): T => list[int(list.length - 1)]!;
  const slugs = new Map<string, string>();
  const slug = (text: string): string => {
    let s = slugs.get(text);
    if (s === undefined) {
      s = text.toLowerCase().replace(/[^a-z0-9]/g, "");
      slugs.set(text, s);
    }
    return s;
  };

  const names = new Array<string>(count);
  const emails = new Array<string>(count);
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const first = pick(int(1) === 0 ? female : male);
    const last = int(99) < 5 ? `${pick(lastNames)}-${pick(lastNames)}` : pick(lastNames);
    names[i] = `${first} ${last}`;
    const a = slug(first);
    const b = slug(last);
    // Local-part patterns after faker's internet.username; mostly free mail, about one in
    // eight at a work domain named after a surname.
    const r = int(99);
    const local =
      r < 30
        ? `${a}.${b}`
        : r < 55
          ? `${a}${b}${int(99)}`
          : r < 72
            ? `${a}_${b}${int(999)}`
            : r < 87
              ? `${a.slice(0, 1)}${b}${int(9999)}`
              : `${a}.${b}.${int(99)}`;
    const domain = int(7) > 0 ? pick(providers) : `${b}.${pick(suffixes)}`;
    let email = `${local}@${domain}`;
    if (seen.has(email)) email = fallbackEmail(email, firstUserId + i);
    seen.add(email);
    emails[i] = email;
  }
  return { names, emails };
}

/** Writes the day's faker identities (from `fakeUserIdentities`) into STAGE_IDENTITIES. */
export async function stageUserIdentities(
  db: Warehouse,
  ctx: DayContext,
  identities: UserIdentities,
): Promise<number> {
  const { names, emails } = identities;
  const ids = Array.from({ length: names.length }, (_, i) => ctx.firstUserId + i);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${STAGE_IDENTITIES} (user_id BIGINT NOT NULL, email VARCHAR NOT NULL, name VARCHAR NOT NULL)`,
  );
  return db.appendColumns(STAGE_IDENTITIES, [ids, emails, names]);
}

/**
 * The day's raw_users rows (columns in table order) from STAGE_IDENTITIES.
 * Emails are unique within the day; across days is the load's job (it sees the other days).
 */
export function selectUsersSql(ctx: DayContext): string {
  return `
    SELECT
      i.user_id,
      i.email,
      i.name,
      ${weightedChoiceSql(REGION_WEIGHTS, uniformSql(ctx.salt("users.region", false), "i.user_id"))} AS region,
      ${userDeviceSql(ctx, "i.user_id")} AS device_type,
      ${userTierSql(ctx, "i.user_id")} AS user_tier,
      ${dayTimestampSql(ctx, userSignupOffsetMsSql(ctx, "i.user_id"))} AS signed_up_at,
      DATE '${ctx.batchDate}' AS batch_date
    FROM ${STAGE_IDENTITIES} AS i`;
}
