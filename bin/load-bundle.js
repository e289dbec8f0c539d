// Runs dist/bundle/runbook.cjs (made by tools/bundle.mjs) with V8's code cache: the bundle is
// compiled once at build time and the compiled code written beside it (runbook.cjs.cache), so a
// start deserializes code instead of parsing and compiling ~2 MB of JavaScript. Node 20 has no
// module.enableCompileCache and no cachedData for ES modules, hence one CommonJS file run through
// vm.Script. V8 refuses a cache made by another V8 version, other V8 flags or another source
// (cachedDataRejected): then the bundle compiles as any script would, only slower, never broken.
// Both bin/runbook.js and each worker thread (dist/bundle/thread-worker.js) start here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const bundleFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle', 'runbook.cjs');
export const cacheFile = `${bundleFile}.cache`;

/**
 * Compiles and runs the bundle as Node would a CommonJS module; returns its exports and the
 * compiled script (tools/bundle-cache.mjs writes the script's code cache after a training run).
 * `useCache: false` compiles from source alone.
 */
export function loadBundle({ useCache = true } = {}) {
  // ASCII only (tools/bundle.mjs checks): latin1 makes the string without decoding UTF-8.
  const source = readFileSync(bundleFile, 'latin1');
  let cachedData;
  if (useCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache (a build without it): compile from source.
    }
  }
  // The same wrapper Node puts around a CommonJS file; one line, so line numbers in stacks stay true.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: bundleFile,
    cachedData,
    // A dependency's import() (none today) loads as it would outside vm (Node >= 20.? has the constant).
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (process.env.RUNBOOK_DEBUG_CACHE) process.stderr.write(`runbook: code cache ${cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  return { exports: module.exports, script };
}
