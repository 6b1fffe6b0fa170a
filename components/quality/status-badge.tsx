import { cn } from "@/components/ui/cn";
import type { TestStatus } from "@/lib/shared/quality/status";
import { STATUS_BADGE } from "./tones";

/** A test's last status as a small pill: pass, warn, fail, error or skipped. */
export function StatusBadge(props: { status: TestStatus }) {
  return (
    <span
      data-testid="test-status"
      className={cn(
        "inline-flex min-w-11 justify-center rounded-md px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset",
        STATUS_BADGE[props.status],
      )}
    >
      {props.status}
    </span>
  );
}
