/** Async state as a small union (after duckdb-wasm's Resolvable): idle | loading | ready | error. */
export type AsyncState<T> =
  | { status: "idle" }
  /** `previous` keeps the last result on screen (dimmed) while new filters run. */
  | { status: "loading"; previous: T | null }
  | { status: "ready"; data: T; source: "server" | "live"; millis: number }
  | { status: "error"; error: string };

export const IDLE: AsyncState<never> = { status: "idle" };

export function dataOf<T>(state: AsyncState<T>): T | null {
  return state.status === "ready" ? state.data : state.status === "loading" ? state.previous : null;
}
