#!/usr/bin/env node
// `runbook --version` loads nothing else. Everything else runs the bundle (dist/bundle/runbook.cjs
// with its code cache, made by `npm run build`; see load-bundle.js) while it is newer than dist/lib:
// `tsc` alone rewrites dist/lib and then dist/lib runs. CommonJS (bin/package.json): the bundle path
// never starts Node's ES-module loader.
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  import('../dist/lib/version.js').then(({ VERSION }) => process.stdout.write(`${VERSION}\n`));
} else {
  const modified = (path) => statSync(join(__dirname, path), { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const bundled = modified('../dist/bundle/runbook.cjs') >= modified('../dist/lib/cli/main.js');
  const cli = bundled ? Promise.resolve(require('./load-bundle.js').loadBundle().exports) : import('../dist/lib/cli/main.js');
  cli.then(({ main }) => main(argv)).then((code) => {
    process.exitCode = code;
    // The command is done: exit once stdout and stderr took what was written, without waiting for
    // the hosts to close their side of the connections or for Node to tear its heap down (0.1-0.3 s
    // after a 20-host run on a busy machine). A command that keeps running never resolves main.
    let streams = 2;
    const flushed = () => {
      if (--streams === 0) process.exit(code);
    };
    process.stdout.write('', flushed);
    process.stderr.write('', flushed);
  });
}
