import "server-only";
/**
 * Deterministic randomness. Every random value of a row is derived from (seed, stream tag,
 * day, row key): in SQL as DuckDB's `hash()` of a per-stream salt plus the row key (never
 * `random()`, whose sequence depends on the thread schedule), in JS as a faker instance seeded
 * from the same triple. So a day regenerated alone gives the same rows as in a full run.
 */
import { Faker, base, en } from "@faker-js/faker";

const MASK64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** FNV-1a over the UTF-16 code units of a string, 64-bit. */
export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/** The splitmix64 finaliser: a bijective 64-bit mix. */
export function mix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * The salt of one random stream: a 62-bit value from (seed, tag, day). Row keys are added to
 * it before hashing, so it leaves room for keys up to 2^62 without BIGINT overflow. Use day 0
 * for streams keyed by user_id alone (a user's tier is the same on every day).
 */
export function streamSalt(seed: number, tag: string, day = 0): bigint {
  const h = mix64(mix64(BigInt(seed) ^ fnv1a64(tag)) ^ BigInt(day));
  return h >> 2n;
}

/**
 * SQL for a uniform double in [0, 1) from a stream salt and a BIGINT row key expression:
 * the top 53 bits of DuckDB's 64-bit murmur hash of salt + key.
 */
export function uniformSql(salt: bigint, key: string): string {
  return `((hash(${salt}::BIGINT + (${key})) >> 11) * 1.1102230246251565e-16)`;
}

/**
 * SQL for the 64-bit hash of a stream's row: one hash gives up to three independent uniforms
 * (`uniformPartSql`), cheaper than a hash each. Compute it as a column of an inner query.
 */
export function hashSql(salt: bigint, key: string): string {
  return `hash(${salt}::BIGINT + (${key}))`;
}

/** Bits of a hash each `uniformPartSql` uses: a resolution of 2^-21 ≈ 4.8e-7. */
export const UNIFORM_PART_BITS = 21;

/** SQL for the part-th (0, 1 or 2) uniform in [0, 1) of a hash column: 21 of its bits. */
export function uniformPartSql(hash: string, part: 0 | 1 | 2): string {
  const shift = part * UNIFORM_PART_BITS;
  return `(((${hash} >> ${shift}) & ${2 ** UNIFORM_PART_BITS - 1}) * ${2 ** -UNIFORM_PART_BITS})`;
}

/** SQL for the part-th (0, 1 or 2) whole number in [0, n) of a hash column (n ≤ 2^21). */
export function intPartSql(hash: string, part: 0 | 1 | 2, n: number | string): string {
  const shift = part * UNIFORM_PART_BITS;
  return `(((${hash} >> ${shift}) & ${2 ** UNIFORM_PART_BITS - 1}) % (${n})::UBIGINT)::BIGINT`;
}

/**
 * SQL for a whole number in [0, n) (n a positive integer or an integer SQL expression). The
 * divisor is cast to UBIGINT: UBIGINT % BIGINT would widen both to HUGEINT, ~10× slower.
 */
export function intBelowSql(salt: bigint, key: string, n: number | string): string {
  return `(hash(${salt}::BIGINT + (${key})) % (${n})::UBIGINT)::BIGINT`;
}

/** A faker instance with English data, seeded from (seed, tag, day). */
export function seededFaker(seed: number, tag: string, day: number): Faker {
  const faker = new Faker({ locale: [en, base] });
  const h = mix64(BigInt(seed) ^ fnv1a64(tag));
  faker.seed([seed, Number(h & 0x7fffffffn), Number((h >> 32n) & 0x7fffffffn), day]);
  return faker;
}
