/**
 * The vocabulary of the synthetic GenAI product, shared by the generators, the dbt tests
 * (accepted_values mirror these lists) and the dashboard filters.
 */
export const REGIONS = ["us-west", "us-east", "europe", "asia", "other"] as const;
export const DEVICE_TYPES = ["desktop", "mobile", "tablet"] as const;
export const USER_TIERS = ["free", "pro", "enterprise"] as const;
export const MODELS = ["lumen-fast", "lumen-xl", "aurora-2", "aurora-3", "pixel-pro"] as const;
export const GENERATION_STATUSES = [
  "success",
  "timeout",
  "safety_violation",
  "rate_limited",
  "model_error",
] as const;
export const PROMPT_CATEGORIES = ["image", "text", "code", "audio"] as const;
export const EVENT_TYPES = [
  "page_view",
  "click",
  "scroll",
  "search",
  "prompt_submit",
  "share",
  "download",
  "purchase",
] as const;
export const ORDER_TYPES = ["credit_pack", "plan_upgrade"] as const;
export const PRODUCTS = [
  "credits_100",
  "credits_500",
  "credits_2000",
  "pro_plan",
  "enterprise_plan",
] as const;

export type Region = (typeof REGIONS)[number];
export type DeviceType = (typeof DEVICE_TYPES)[number];
export type UserTier = (typeof USER_TIERS)[number];
export type Model = (typeof MODELS)[number];
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];
export type EventType = (typeof EVENT_TYPES)[number];

/** Weights of the weighted choices (they need not sum to 100). */
export const TIER_WEIGHTS: Record<UserTier, number> = { free: 70, pro: 25, enterprise: 5 };
export const REGION_WEIGHTS: Record<Region, number> = {
  "us-west": 25,
  "us-east": 30,
  europe: 25,
  asia: 15,
  other: 5,
};
export const DEVICE_WEIGHTS: Record<DeviceType, number> = { desktop: 55, mobile: 38, tablet: 7 };
export const MODEL_WEIGHTS: Record<Model, number> = {
  "lumen-fast": 35,
  "lumen-xl": 30,
  "aurora-2": 20,
  "aurora-3": 10,
  "pixel-pro": 5,
};
/** About 94% of generations succeed. */
export const STATUS_WEIGHTS: Record<GenerationStatus, number> = {
  success: 94,
  timeout: 2,
  safety_violation: 1.5,
  rate_limited: 1.5,
  model_error: 1,
};
export const EVENT_WEIGHTS: Record<EventType, number> = {
  page_view: 40,
  click: 25,
  scroll: 12,
  search: 8,
  prompt_submit: 6,
  share: 4,
  download: 4,
  purchase: 1,
};
/**
 * The defaults of the growth model (DESIGN.md); every one can be set in the config's `growth`
 * object. Day 1 adds DAY_ONE_SHARE of the base users; day d > 1 adds
 * base × DAILY_SHARE × DAILY_GROWTH^(d − 1).
 */
export const DAY_ONE_SHARE = 0.4;
export const DAILY_SHARE = 0.02;
export const DAILY_GROWTH = 1.03;
/** Generations per active user-day are Poisson(tier_activity × 0.5), capped at 5. */
export const TIER_ACTIVITY: Record<UserTier, number> = { free: 1, pro: 3, enterprise: 8 };
export const GENERATION_RATE = 0.5;
export const MAX_GENERATIONS_PER_DAY = 5;
/** Chance that a user signed up before the day is active on it (always active on the signup day). */
export const ACTIVE_PROBABILITY: Record<UserTier, number> = { free: 0.4, pro: 0.65, enterprise: 0.85 };

/** Words whose presence in a prompt the toxicity backfill scores. */
export const TOXICITY_WORDS = [
  "hate",
  "kill",
  "stupid",
  "idiot",
  "violent",
  "attack",
  "destroy",
  "ugly",
] as const;

/** Friction categories of fct_sessions: low < 10 ≤ medium < 30 ≤ high. */
export const FRICTION_THRESHOLDS = { medium: 10, high: 30 } as const;
