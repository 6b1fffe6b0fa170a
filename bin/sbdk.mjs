#!/usr/bin/env node
// Entry point of the `sbdk` command. Runs cli/sbdk.ts in this process (so signals and exit
// codes are the CLI's own) with tsx, and lets lib/server's `import "server-only"` resolve
// outside Next.js, where it would otherwise refuse to load.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

register("./server-only-hook.mjs", import.meta.url);
registerTsx();
await import("../cli/sbdk.ts");
