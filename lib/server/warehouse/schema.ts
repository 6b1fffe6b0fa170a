import "server-only";
/**
 * The raw tables the generators write: the contract between lib/server/generators and the
 * dbt project's sources (dbt/models/staging/app/_app__sources.yml). Every raw table carries
 * `batch_date`, the simulated day whose load wrote the row: loading day D again deletes and
 * re-inserts exactly the rows with batch_date = D.
 */
export const RAW_SCHEMA = "raw";

export const RAW_TABLES = {
  raw_users: `
    user_id       BIGINT    NOT NULL,  -- 1, 2, 3 … contiguous in signup order
    email         VARCHAR   NOT NULL,  -- unique across the whole table
    name          VARCHAR   NOT NULL,
    region        VARCHAR   NOT NULL,  -- REGIONS
    device_type   VARCHAR   NOT NULL,  -- DEVICE_TYPES
    user_tier     VARCHAR   NOT NULL,  -- USER_TIERS, 70/25/5
    signed_up_at  TIMESTAMP NOT NULL,  -- within batch_date
    batch_date    DATE      NOT NULL`,
  raw_sessions: `
    session_id    BIGINT    NOT NULL,
    user_id       BIGINT    NOT NULL,  -- a user signed up on or before batch_date
    device_type   VARCHAR   NOT NULL,
    started_at    TIMESTAMP NOT NULL,  -- within batch_date, not before the user's signed_up_at
    ended_at      TIMESTAMP NOT NULL,  -- >= started_at, within batch_date
    batch_date    DATE      NOT NULL`,
  raw_prompts: `
    prompt_id       BIGINT    NOT NULL,
    session_id      BIGINT    NOT NULL,
    user_id         BIGINT    NOT NULL,  -- the session's user
    prompt_text     VARCHAR   NOT NULL,  -- a small share contains TOXICITY_WORDS
    prompt_category VARCHAR   NOT NULL,  -- PROMPT_CATEGORIES
    submitted_at    TIMESTAMP NOT NULL,  -- within its session
    batch_date      DATE      NOT NULL`,
  raw_generations: `
    generation_id  BIGINT    NOT NULL,
    prompt_id      BIGINT    NOT NULL,  -- one generation per prompt
    session_id     BIGINT    NOT NULL,
    user_id        BIGINT    NOT NULL,
    model          VARCHAR   NOT NULL,  -- MODELS
    status         VARCHAR   NOT NULL,  -- GENERATION_STATUSES, ~94% success
    latency_ms     INTEGER   NOT NULL,  -- > 0
    cost_credits   DOUBLE    NOT NULL,  -- > 0 when status = 'success', 0 otherwise
    retry_count    INTEGER   NOT NULL,  -- 0..3
    generated_at   TIMESTAMP NOT NULL,  -- >= the prompt's submitted_at, within its session
    is_thumbs_up   BOOLEAN   NOT NULL,  -- only on success; never together with is_thumbs_down
    is_thumbs_down BOOLEAN   NOT NULL,
    is_downloaded  BOOLEAN   NOT NULL,  -- only on success
    batch_date     DATE      NOT NULL`,
  raw_events: `
    event_id     BIGINT    NOT NULL,
    user_id      BIGINT    NOT NULL,
    session_id   BIGINT,               -- the session it happened in, null outside sessions
    event_type   VARCHAR   NOT NULL,   -- EVENT_TYPES, weighted
    page_path    VARCHAR   NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,   -- within batch_date, not before signup
    batch_date   DATE      NOT NULL`,
  raw_orders: `
    order_id     BIGINT        NOT NULL,
    user_id      BIGINT        NOT NULL,
    order_type   VARCHAR       NOT NULL,  -- ORDER_TYPES
    product      VARCHAR       NOT NULL,  -- PRODUCTS
    amount_usd   DECIMAL(10,2) NOT NULL,  -- > 0
    credits      INTEGER       NOT NULL,  -- credits bought, 0 for plan upgrades
    ordered_at   TIMESTAMP     NOT NULL,  -- within batch_date, not before signup
    batch_date   DATE          NOT NULL`,
} as const;

export type RawTable = keyof typeof RAW_TABLES;
export const RAW_TABLE_NAMES = Object.keys(RAW_TABLES) as RawTable[];

export function createRawTablesSql(): string {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${RAW_SCHEMA};`,
    ...RAW_TABLE_NAMES.map((t) => `CREATE TABLE IF NOT EXISTS ${RAW_SCHEMA}.${t} (${RAW_TABLES[t]}\n);`),
  ].join("\n");
}
