/** @type {import('next').NextConfig} */
const nextConfig = {
  // The server's DuckDB is a native addon: keep it out of the bundle (Turbopack included).
  serverExternalPackages: ["@duckdb/node-api", "@duckdb/node-bindings"],
};

export default nextConfig;
