/**
 * The one error type of sbdk. A code names the kind of failure and the stage it happened in
 * (`invalid:config`, `conflict:pipeline`, `failed:dbt`); the kind decides the HTTP status and
 * the CLI exit code, so routes and the CLI map errors the same way.
 */
export const ERROR_KINDS = {
  invalid: { status: 400, exitCode: 2 },
  unauthorized: { status: 401, exitCode: 2 },
  not_found: { status: 404, exitCode: 4 },
  conflict: { status: 409, exitCode: 3 },
  too_large: { status: 413, exitCode: 2 },
  missing: { status: 503, exitCode: 5 },
  failed: { status: 500, exitCode: 1 },
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;
export type ErrorStage =
  | "config"
  | "generate"
  | "load"
  | "warehouse"
  | "dbt"
  | "publish"
  | "pipeline"
  | "runs"
  | "simulate"
  | "setup"
  | "cli"
  | "export"
  | "webhook"
  | "http"
  | "backfill";
export type ErrorCode = `${ErrorKind}:${ErrorStage}`;

export interface SbdkErrorOptions {
  /** The input field that was wrong (a config key, a request body field). */
  field?: string;
  /** What the user can do about it. */
  hint?: string;
  /** Extra lines shown under the message (e.g. the tail of dbt's output). */
  details?: string[];
  cause?: unknown;
}

export class SbdkError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: string[];
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: SbdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SbdkError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
    this.field = options.field;
  }

  get kind(): ErrorKind {
    return this.code.split(":")[0] as ErrorKind;
  }

  get status(): number {
    return ERROR_KINDS[this.kind].status;
  }

  get exitCode(): number {
    return ERROR_KINDS[this.kind].exitCode;
  }

  /** The error as a person reads it: message, details, then what to do. */
  format(): string {
    const lines = [`error[${this.code}]: ${this.message}`, ...this.details.map((d) => `  ${d}`)];
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join("\n");
  }

  toJSON(): { code: ErrorCode; message: string; field?: string; hint?: string; details?: string[] } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details.length ? { details: this.details } : {}),
    };
  }
}

export function isSbdkError(err: unknown): err is SbdkError {
  return err instanceof SbdkError;
}
