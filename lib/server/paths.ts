import "server-only";
/**
 * Where sbdk itself is installed (the folder with its package.json and .venv), which can differ
 * from the folder of the config file a user points at.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(start: string): string | null {
  let dir = start;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "sbdk-starter") return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The sbdk-starter installation root: from this module's location, else the working directory. */
export const PACKAGE_ROOT: string =
  process.env.SBDK_HOME ??
  (() => {
    try {
      return findPackageRoot(dirname(fileURLToPath(import.meta.url)));
    } catch {
      return null;
    }
  })() ??
  findPackageRoot(process.cwd()) ??
  process.cwd();
