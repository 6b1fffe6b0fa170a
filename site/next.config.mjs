/**
 * The static site written by `npm run export` (see lib/server/export/): the overview and
 * quality pages rendered once from a publish, with no server behind them. Built with
 * `next build site` from the repository root; the pages and components are the app's own.
 *   SBDK_BASE_PATH  the path the site will be served under ("" = the root), set by the export
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const basePath = process.env.SBDK_BASE_PATH ?? "";

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "export",
  basePath,
  // quality/index.html instead of quality.html: plain static servers find it at /quality/.
  trailingSlash: true,
  images: { unoptimized: true },
  serverExternalPackages: ["@duckdb/node-api", "@duckdb/node-bindings"],
  turbopack: { root },
  outputFileTracingRoot: root,
  env: { SBDK_BASE_PATH: basePath, SBDK_STATIC_SITE: "1" },
};

export default nextConfig;
