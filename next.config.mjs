/**
 * The app served by `npm start`: pages rendered per request over the current publish, the
 * run API, and the engine and publish routes. The static site of `npm run export` is built
 * from site/ with its own config.
 */
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The server's DuckDB is a native addon: keep it out of the bundle (Turbopack included).
  serverExternalPackages: ["@duckdb/node-api", "@duckdb/node-bindings"],
  // Read by lib/shared/dashboard/constants.ts, inlined into the browser bundle.
  env: { SBDK_BASE_PATH: "", SBDK_STATIC_SITE: "0" },
};

export default nextConfig;
