"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Reloads the page's server data every few seconds while a run is going, so the list moves. */
export function RefreshWhileActive(props: { everyMs?: number }) {
  const router = useRouter();
  const everyMs = props.everyMs ?? 2000;
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
