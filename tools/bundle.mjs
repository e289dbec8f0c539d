// Bundles the compiled CLI (dist/lib) into dist/bundle with esbuild: a few files instead of ~250
// modules to resolve, read and link at every start (measured in README, Benchmark: start-up).
// bin/runbook.js runs the bundle only while it is newer than dist/lib (tsc alone leaves it stale,
// and then dist/lib runs). ssh2 stays outside: it loads its native crypto binding by relative path.
// Without esbuild installed (an older node_modules) this says so and leaves dist/lib to run.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('bundle: esbuild is not installed (npm ci installs it); runbook runs from dist/lib');
  process.exit(0);
}
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  // thread-worker.js: each worker thread's entry (lib/cli/threads.ts starts it beside main.js).
  entryPoints: [join(root, 'dist', 'lib', 'cli', 'main.js'), join(root, 'dist', 'lib', 'cli', 'thread-worker.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ssh2'],
  // CommonJS dependencies bundled into ESM still call require for Node's own modules.
  banner: { js: "import { createRequire as __runbookRequire } from 'node:module'; const require = __runbookRequire(import.meta.url);" },
  logLevel: 'warning',
});
