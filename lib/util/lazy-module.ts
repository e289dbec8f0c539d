import { createRequire } from 'node:module';

// Modules only some runs use load on their first use rather than when runbook starts: start-up is
// part of every run (issue #13). A require rather than import(): the bundle runs from V8's code
// cache, where import() has no loader to call (bin/load-bundle.js).
const require = createRequire(import.meta.url);

/**
 * A function that returns the exports of `specifier` (a package or one of Node's modules), which
 * it requires on its first call. `load` is how: Node's require, from here; in the bundle,
 * tools/bundle.mjs passes a require of the literal specifier, so that esbuild bundles the module
 * (or its part of the bundle) and still loads it on the first call.
 */
export function lazyModule<T>(specifier: string, load: () => unknown = () => require(specifier)): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load() as T);
}
