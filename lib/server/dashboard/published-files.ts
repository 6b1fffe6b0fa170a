import "server-only";
/**
 * Serves the published folder (config publish_path) over HTTP. Next serves public/ only as it
 * was at build time, and every pipeline run writes a new version folder, so the files go
 * through a route instead; publish_path may also live outside public/.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { loadConfig } from "@/lib/server/config";
import { SbdkError } from "@/lib/shared/errors";
import { MANIFEST_FILE } from "@/lib/shared/manifest";
import { SIMULATION_DIR, SIMULATION_MANIFEST_FILE } from "@/lib/shared/simulation";

const CONTENT_TYPES: Record<string, string> = {
  json: "application/json; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

export interface PublishedFile {
  body: ReadableStream<Uint8Array>;
  headers: Record<string, string>;
}

/** Opens a file of the publish by its path relative to manifest.json. */
export async function openPublishedFile(segments: readonly string[]): Promise<PublishedFile> {
  const name = segments.join("/");
  const ext = name.split(".").pop() ?? "";
  const type = CONTENT_TYPES[ext];
  // Each segment is one plain name: no way up (..), across (/ or \, decoded from %2F or %5C) or
  // out of the string (a NUL); anything else is looked up inside the publish folder only.
  if (!type || segments.some((s) => s === "" || s === "." || s === ".." || /[\\/\0]/.test(s))) {
    throw new SbdkError("not_found:publish", `no published file ${name}`);
  }
  const root = resolve(loadConfig().publish_path);
  const file = resolve(root, ...segments);
  const rel = relative(root, file);
  if (rel.startsWith("..") || isAbsolute(rel) || rel.split(sep)[0]?.startsWith(".")) {
    throw new SbdkError("not_found:publish", `no published file ${name}`);
  }
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error("not a file");
    size = s.size;
  } catch {
    throw new SbdkError("not_found:publish", `no published file ${name}`, {
      hint:
        name === MANIFEST_FILE
          ? "run `npm run pipeline` to publish data"
          : "reload the page: a newer publish replaced it",
    });
  }
  return {
    body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    headers: {
      "content-type": type,
      "content-length": String(size),
      // Version folders never change once written; manifest.json is swapped by each publish, and a
      // simulated day's snapshot is rewritten when the day is run again.
      "cache-control":
        name === MANIFEST_FILE || name === SIMULATION_MANIFEST_FILE || name.startsWith(`${SIMULATION_DIR}/`)
          ? "no-store"
          : "public, max-age=31536000, immutable",
    },
  };
}
