// Module resolve hook: outside Next.js, "server-only" is an empty module. Inside Next.js the
// package still guards lib/server from being bundled into the browser.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "server-only") return { url: "data:text/javascript,export {};", shortCircuit: true };
  return nextResolve(specifier, context);
}
