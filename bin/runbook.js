#!/usr/bin/env node
// `runbook --version` loads nothing else. Everything else runs the bundle (dist/bundle/runbook.cjs
// with its code cache, made by `npm run build`; see bin/load-bundle.js) while it is newer than
// dist/lib: `tsc` alone rewrites dist/lib and then dist/lib runs.
import { statSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  const { VERSION } = await import('../dist/lib/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const modified = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const bundled = modified('../dist/bundle/runbook.cjs') >= modified('../dist/lib/cli/main.js');
  const { main } = bundled ? (await import('./load-bundle.js')).loadBundle().exports : await import('../dist/lib/cli/main.js');
  main(argv).then((code) => { process.exitCode = code; });
}
