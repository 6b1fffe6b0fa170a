import "server-only";
/**
 * raw_orders, the source of revenue. Every pro or enterprise user buys their plan on the
 * signup day, 30 s – 10 min after signing up (pro_plan $20, enterprise_plan $200). Any active
 * user may buy a credit pack that day with CREDIT_PACK_PROBABILITY by tier (activity.ts), at a
 * uniform time in their window; packs by CREDIT_PACK_WEIGHTS.
 */
import { byTierCodeSql, STAGE_ACTIVITY } from "./activity";
import { dayTimestampSql, rowIdSql, type DayContext } from "./context";
import { MS_PER_DAY } from "./growth";
import { uniformSql } from "./random";
import { TIER_CODES } from "./users";
import { byCategorySql, weightedChoiceSql } from "./weighted";

/** Price in USD and credits of each product (credits 0 for plans). */
export const PRODUCT_CATALOG = {
  credits_100: { amountUsd: 5, credits: 100 },
  credits_500: { amountUsd: 20, credits: 500 },
  credits_2000: { amountUsd: 70, credits: 2_000 },
  pro_plan: { amountUsd: 20, credits: 0 },
  enterprise_plan: { amountUsd: 200, credits: 0 },
} as const;
export type Product = keyof typeof PRODUCT_CATALOG;

export const CREDIT_PACK_WEIGHTS = { credits_100: 60, credits_500: 30, credits_2000: 10 } as const;
export const UPGRADE_DELAY_MS = { min: 30_000, max: 600_000 } as const;

/** Order index among a user's orders of the day: the plan first, then a credit pack. */
const UPGRADE_INDEX = 0;
const PACK_INDEX = 1;

/** The day's raw_orders rows (columns in table order). */
export function selectOrdersSql(ctx: DayContext): string {
  const u = (tag: string) => uniformSql(ctx.salt(`orders.${tag}`), "user_id");
  const catalog = Object.entries(PRODUCT_CATALOG) as Array<[Product, { amountUsd: number; credits: number }]>;
  const amount = byCategorySql(
    "product",
    Object.fromEntries(catalog.map(([p, c]) => [p, c.amountUsd.toFixed(2)])) as Record<Product, string>,
  );
  const credits = byCategorySql(
    "product",
    Object.fromEntries(catalog.map(([p, c]) => [p, String(c.credits)])) as Record<Product, string>,
  );
  const plan = byTierCodeSql("tier", (tier) => (tier === "enterprise" ? "'enterprise_plan'" : "'pro_plan'"));
  return `
    WITH upgrades AS (
      SELECT
        user_id,
        ${UPGRADE_INDEX} AS k,
        'plan_upgrade' AS order_type,
        ${plan} AS product,
        window_start_ms + ${UPGRADE_DELAY_MS.min}
          + floor(${u("upgrade_delay")} * ${UPGRADE_DELAY_MS.max - UPGRADE_DELAY_MS.min})::BIGINT AS ordered_ms
      FROM ${STAGE_ACTIVITY}
      WHERE is_new AND tier <> ${TIER_CODES.indexOf("free")}
    ),
    packs AS (
      SELECT
        user_id,
        ${PACK_INDEX} AS k,
        'credit_pack' AS order_type,
        ${weightedChoiceSql(CREDIT_PACK_WEIGHTS, u("pack"))} AS product,
        window_start_ms + floor(${u("pack_time")} * (${MS_PER_DAY} - window_start_ms))::BIGINT AS ordered_ms
      FROM ${STAGE_ACTIVITY}
      WHERE buys_credit_pack
    )
    SELECT
      ${rowIdSql(ctx, "user_id", "k")} AS order_id,
      user_id,
      order_type,
      product,
      (${amount})::DECIMAL(10, 2) AS amount_usd,
      (${credits})::INTEGER AS credits,
      ${dayTimestampSql(ctx, "ordered_ms")} AS ordered_at,
      DATE '${ctx.batchDate}' AS batch_date
    FROM (SELECT * FROM upgrades UNION ALL SELECT * FROM packs)`;
}
