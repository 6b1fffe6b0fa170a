import "server-only";
/**
 * raw_generations: one per prompt (generation_id = prompt_id, the same session and time base). Model by MODEL_WEIGHTS, status
 * by STATUS_WEIGHTS (~94% success). Latency: the model's typical latency × a log-normal factor
 * (σ ≈ 0.4) for success and model_error, a quarter of that for safety_violation (blocked
 * early), 50–300 ms for rate_limited, the 30 s limit for timeout. Retries 0–3, rarer on
 * success. generated_at = submitted_at + latency × (1 + retries). Cost only on success: the
 * model's credits × 0.75–1.25. Feedback only on success: thumbs up 18%, down 6% (never both),
 * downloaded 35%.
 */
import { MODEL_WEIGHTS, STATUS_WEIGHTS, type GenerationStatus, type Model } from "@/lib/shared/domain";
import { dayTimestampSql, rowIdSql, type DayContext } from "./context";
import { generationSlotsSql, promptSubmittedMsSql } from "./prompts";
import { hashSql, uniformPartSql } from "./random";
import { byIndexSql, sqlString, weightedIndexSql } from "./weighted";

/** Typical latency of a successful generation, by model. */
export const MODEL_LATENCY_MS: Record<Model, number> = {
  "lumen-fast": 900,
  "lumen-xl": 2_400,
  "aurora-2": 3_200,
  "aurora-3": 5_200,
  "pixel-pro": 7_500,
};
/** Credits a successful generation costs, by model (before the ±25% spread). */
export const MODEL_COST_CREDITS: Record<Model, number> = {
  "lumen-fast": 1,
  "lumen-xl": 4,
  "aurora-2": 2,
  "aurora-3": 6,
  "pixel-pro": 10,
};
export const TIMEOUT_MS = 30_000;
/** P(retries ≤ 0, 1, 2) on success and on failure; the rest is 3 retries. */
export const RETRY_THRESHOLDS = { success: [0.85, 0.95, 0.99], failure: [0.3, 0.6, 0.85] } as const;
export const THUMBS_UP_SHARE = 0.18;
export const THUMBS_DOWN_SHARE = 0.06;
export const DOWNLOAD_SHARE = 0.35;

function retriesSql(u: string, thresholds: readonly number[]): string {
  return `(CASE ${thresholds.map((t, k) => `WHEN ${u} < ${t} THEN ${k}`).join(" ")} ELSE ${thresholds.length} END)`;
}

const MODELS_IN_ORDER = Object.keys(MODEL_WEIGHTS) as Model[];
const STATUSES_IN_ORDER = Object.keys(STATUS_WEIGHTS) as GenerationStatus[];
const code = (status: GenerationStatus) => STATUSES_IN_ORDER.indexOf(status);

/** The day's raw_generations rows (columns in table order). */
export function selectGenerationsSql(ctx: DayContext): string {
  const h = (tag: string) => hashSql(ctx.salt(`generations.${tag}`), "key");
  const perModel = (values: Record<Model, number>) =>
    byIndexSql(
      "model_code",
      MODELS_IN_ORDER.map((m) => String(values[m])),
    );
  const submittedMs = promptSubmittedMsSql(ctx, {
    startMs: "start_ms",
    paceMs: "pace_ms",
    index: "i",
    key: "key",
  });
  const success = `status_code = ${code("success")}`;
  // Model, status and the other draws are computed as small codes and uniforms first; the
  // strings come last (CASE on strings is several times slower than on integers).
  return `
    WITH hashed AS (
      SELECT
        user_id, session_id, gi,
        ${submittedMs} AS submitted_ms,
        ${h("draw")} AS h_draw,
        ${h("latency")} AS h_latency,
        ${h("outcome")} AS h_outcome
      FROM (${generationSlotsSql()})
    ),
    drawn AS (
      SELECT
        user_id, session_id, gi, submitted_ms,
        ${weightedIndexSql(MODEL_WEIGHTS, uniformPartSql("h_draw", 0))} AS model_code,
        ${weightedIndexSql(STATUS_WEIGHTS, uniformPartSql("h_draw", 1))} AS status_code,
        ${uniformPartSql("h_draw", 2)} AS u_retries,
        -- Irwin–Hall(3), rescaled: approximately standard normal
        (${uniformPartSql("h_latency", 0)} + ${uniformPartSql("h_latency", 1)} + ${uniformPartSql("h_latency", 2)} - 1.5) * 2 AS z,
        ${uniformPartSql("h_outcome", 0)} AS u_cost,
        ${uniformPartSql("h_outcome", 1)} AS u_feedback,
        ${uniformPartSql("h_outcome", 2)} AS u_download
      FROM hashed
    ),
    measured AS (
      SELECT
        *,
        CASE status_code
          WHEN ${code("timeout")} THEN ${TIMEOUT_MS}
          -- u_cost is free to reuse: only successes cost
          WHEN ${code("rate_limited")} THEN 50 + floor(u_cost * 250)::INTEGER
          WHEN ${code("safety_violation")} THEN greatest(80, round(${perModel(MODEL_LATENCY_MS)} * 0.25 * exp(0.4 * z)))::INTEGER
          ELSE least(${TIMEOUT_MS - 1000}, greatest(120, round(${perModel(MODEL_LATENCY_MS)} * exp(0.4 * z))))::INTEGER
        END AS latency_ms,
        CASE WHEN ${success} THEN ${retriesSql("u_retries", RETRY_THRESHOLDS.success)}
             ELSE ${retriesSql("u_retries", RETRY_THRESHOLDS.failure)} END AS retry_count
      FROM drawn
    )
    SELECT
      ${rowIdSql(ctx, "user_id", "gi")} AS generation_id,
      ${rowIdSql(ctx, "user_id", "gi")} AS prompt_id,
      session_id,
      user_id,
      ${byIndexSql("model_code", MODELS_IN_ORDER.map(sqlString))} AS model,
      ${byIndexSql("status_code", STATUSES_IN_ORDER.map(sqlString))} AS status,
      latency_ms,
      CASE WHEN ${success} THEN round(${perModel(MODEL_COST_CREDITS)} * (0.75 + 0.5 * u_cost), 2) ELSE 0 END::DOUBLE AS cost_credits,
      retry_count::INTEGER AS retry_count,
      ${dayTimestampSql(ctx, "submitted_ms + latency_ms::BIGINT * (1 + retry_count)")} AS generated_at,
      ${success} AND u_feedback < ${THUMBS_UP_SHARE} AS is_thumbs_up,
      ${success} AND u_feedback >= ${THUMBS_UP_SHARE} AND u_feedback < ${THUMBS_UP_SHARE + THUMBS_DOWN_SHARE} AS is_thumbs_down,
      ${success} AND u_download < ${DOWNLOAD_SHARE} AS is_downloaded,
      DATE '${ctx.batchDate}' AS batch_date
    FROM measured`;
}
