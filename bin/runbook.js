#!/usr/bin/env node
// `runbook --version` loads nothing else. Everything else runs the bundle (dist/bundle, made by
// `npm run build`) while it is newer than dist/lib: `tsc` alone rewrites dist/lib and then dist/lib runs.
import { statSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  const { VERSION } = await import('../dist/lib/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const modified = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const bundled = modified('../dist/bundle/main.js') >= modified('../dist/lib/cli/main.js');
  const { main } = await import(bundled ? '../dist/bundle/main.js' : '../dist/lib/cli/main.js');
  main(argv).then((code) => { process.exitCode = code; });
}
