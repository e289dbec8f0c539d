// Bundles the compiled CLI (dist/lib) and its dependencies into one CommonJS file with esbuild,
// dist/bundle/runbook.cjs (ssh2 and yargs in files of their own, loaded when first needed: see
// PARTS), and writes V8's code cache for each (tools/bundle-cache.mjs): a start
// then reads two files and deserializes compiled code instead of resolving, reading, parsing and
// compiling ~300 modules (measured in README, Benchmark: start-up). bin/load-bundle.js runs it.
// One CommonJS file because Node 20 can only use a code cache for a vm.Script, not for ES modules.
// bin/runbook.js runs the bundle only while it is newer than dist/lib (tsc alone leaves it stale,
// and then dist/lib runs). Without esbuild installed (an older node_modules) this says so and
// leaves dist/lib to run.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * dist/lib requires some packages through `createRequire(import.meta.url)` (an ES module has no
 * synchronous import otherwise), most of them on first use through lib/util/lazy-module.ts, which
 * requires the specifier it is given. esbuild cannot follow a require it did not see declared as
 * Node's own, nor a specifier it does not see, so here that local require becomes the bundle's,
 * and each `lazyModule('x')` gets a loader that requires 'x' literally: the packages are bundled
 * (and cached; ssh2 in its part) and still load on first use, since esbuild runs a bundled
 * CommonJS package when first required. A lazyModule call whose specifier is not a literal fails
 * the build (it would load the package from node_modules, unbundled).
 */
const LAZY_MODULE_CALL = /\blazyModule\((?:(['"])([^'"\\]+)\1\))?/g;
const bundledRequire = {
  name: 'bundled-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]lib[\\/].*\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      contents = contents.replace(LAZY_MODULE_CALL, (call, quote, specifier, offset) => {
        if (specifier !== undefined) return `lazyModule(${quote}${specifier}${quote}, () => require(${quote}${specifier}${quote}))`;
        if (contents.endsWith('function ', offset)) return call;
        throw new Error(`bundle: ${args.path} calls lazyModule without a literal specifier (${contents.slice(offset, offset + 60)}): esbuild could not bundle it`);
      });
      const declaration = /^const (\w+) = createRequire\(import\.meta\.url\);$/m.exec(contents);
      if (!declaration) return { contents, loader: 'js' };
      const name = declaration[1];
      contents = contents.replace(declaration[0], '');
      if (name !== 'require') contents = contents.replace(new RegExp(`\\b${name}\\(`, 'g'), 'require(');
      return { contents, loader: 'js' };
    });
  },
};

/**
 * ssh2 loads its native crypto binding (faster ciphers) by a path relative to its own file, which
 * the bundle is not: the path is resolved from wherever ssh2 is installed instead. Without the
 * binding ssh2 falls back to its JavaScript ciphers, so a missing one would only be slower:
 * hence the build fails rather than lose it silently when ssh2 changes the line.
 * ssh2 also instantiates its poly1305 WebAssembly (a base64 decode and a compile, ~10 ms of CPU)
 * when loaded, and each connection waits for it; only its JavaScript chacha20-poly1305 uses it,
 * which runs without the binding (or with forceNative, an option only ssh2's own tests set). With
 * the binding loaded that was start-up work for nothing: then the wait is an already resolved
 * promise. A changed line there is bundled as it is (slower, never different), with a warning.
 */
const SSH2_BINDING = "require('./crypto/build/Release/sshcrypto.node')";
const SSH2_WASM_INIT = '  init: (() => {\n';
const ssh2Binding = {
  name: 'ssh2-binding',
  setup(build) {
    build.onLoad({ filter: /[\\/]ssh2[\\/]lib[\\/]protocol[\\/]crypto\.js$/ }, (args) => {
      const contents = readFileSync(args.path, 'utf8');
      if (!contents.includes(SSH2_BINDING)) throw new Error(`bundle: ${args.path} no longer loads ${SSH2_BINDING}; update tools/bundle.mjs`);
      const resolved = "require(require('path').join(require('path').dirname(require.resolve('ssh2/package.json')), 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node'))";
      const bound = contents.replace(SSH2_BINDING, resolved);
      if (!bound.includes(SSH2_WASM_INIT)) {
        return { contents: bound, loader: 'js', warnings: [{ text: `bundle: ${args.path} changed; its poly1305 WebAssembly is instantiated at every start (a little slower)` }] };
      }
      return { contents: bound.replace(SSH2_WASM_INIT, '  init: binding ? Promise.resolve() : (() => {\n'), loader: 'js' };
    });
  },
};

/**
 * Packages whose default export is a function only help output calls (yargs' usage rendering):
 * bundled, but loaded on the first call. string-width builds an Intl.Segmenter when loaded (~20 ms
 * of CPU), cliui pulls in wrap-ansi and ansi-styles; `runbook apply` needs none of them.
 */
const LAZY_DEFAULT_EXPORTS = /^(string-width|cliui)$/;
const lazyDefaultExports = {
  name: 'lazy-default-exports',
  setup(build) {
    build.onResolve({ filter: LAZY_DEFAULT_EXPORTS }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-default-export', pluginData: { name: args.path } };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-default-export' }, (args) => ({
      contents: `let loaded;
export default function ${args.pluginData.name.replace(/\W/g, '_')}(...args) {
  loaded ??= require(${JSON.stringify(args.path)}).default;
  return loaded(...args);
}
`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * Dependency lines the bundle changes for start-up time, each only where the line is exactly as
 * expected (else the build warns and bundles the file as it is: slower, never different).
 * - yargs() guesses a version when made: it walks up from the current directory reading every
 *   directory for a package.json (and builds an AssertionError when there is none), to be replaced
 *   at once by main.ts's .version(VERSION).
 * - ssh2's index loads its HTTP(S) agents (node's http, https and tls) and its SSH server for
 *   every client: runbook uses neither, so they load if something reads them.
 * - yargs' platform shim loads assert for two checks it makes only on some calls.
 * - yargs checks the arguments of each of its own API calls (argsert: parses a signature string
 *   per call, 100 calls per start): runbook's calls are fixed in lib/cli/main.ts, so the check is
 *   left out (a wrong call there would show as a wrong parse in the CLI tests, not as a YError).
 * - ssh2's agent loads child_process (for Windows' Pageant and Cygwin) and its client dns (only
 *   for forceIPv4/forceIPv6, which runbook does not set): they load on the first call instead.
 */
const EDITS = [
  { file: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/, edits: [['        yargs.version();\n', '']] },
  { file: /[\\/]yargs[\\/]build[\\/]lib[\\/]argsert\.js$/, edits: [['export function argsert(arg1, arg2, arg3) {\n', 'export function argsert(arg1, arg2, arg3) {\n    return;\n']] },
  {
    file: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/,
    edits: [["import { notStrictEqual, strictEqual } from 'assert'\n", "const notStrictEqual = (...args) => require('assert').notStrictEqual(...args);\nconst strictEqual = (...args) => require('assert').strictEqual(...args);\n"]],
  },
  {
    file: /[\\/]ssh2[\\/]lib[\\/]index\.js$/,
    edits: [
      ["const {\n  SSHTTPAgent: HTTPAgent,\n  SSHTTPSAgent: HTTPSAgent,\n} = require('./http-agents.js');\n", ''],
      ['  HTTPAgent,\n  HTTPSAgent,\n', "  get HTTPAgent() { return require('./http-agents.js').SSHTTPAgent; },\n  get HTTPSAgent() { return require('./http-agents.js').SSHTTPSAgent; },\n"],
      ["  Server: require('./server.js'),\n", "  get Server() { return require('./server.js'); },\n"],
    ],
  },
  {
    file: /[\\/]ssh2[\\/]lib[\\/]agent\.js$/,
    edits: [["const { execFile, spawn } = require('child_process');\n", "const execFile = (...args) => require('child_process').execFile(...args);\nconst spawn = (...args) => require('child_process').spawn(...args);\n"]],
  },
  {
    file: /[\\/]ssh2[\\/]lib[\\/]client\.js$/,
    edits: [["const { lookup: dnsLookup } = require('dns');\n", "const dnsLookup = (...args) => require('dns').lookup(...args);\n"]],
  },
];
const dependencyEdits = {
  name: 'dependency-edits',
  setup(build) {
    for (const { file, edits } of EDITS) {
      build.onLoad({ filter: file }, (args) => {
        const original = readFileSync(args.path, 'utf8');
        if (edits.some(([from]) => !original.includes(from))) {
          return { contents: original, loader: 'js', warnings: [{ text: `bundle: ${args.path} changed; tools/bundle.mjs bundles it unedited (start-up a little slower)` }] };
        }
        return { contents: edits.reduce((text, [from, to]) => text.replace(from, to), original), loader: 'js' };
      });
    }
  },
};

/**
 * Parts of the bundle, each a file of its own with its own code cache, loaded when first needed
 * (bin/load-bundle.js loadPart), so that a start reads, checks and deserializes only what runs
 * before the first connection:
 * - ssh2 (with tweetnacl, bcrypt-pbkdf and asn1: a quarter of the bundle): lib/transport/ssh2-module.ts
 *   loads it once the first connection's TCP connect has started;
 * - yargs (with yargs-parser, cliui, y18n...: a seventh of the rest): lib/cli/main.ts loads it only
 *   for a command line simple-args.ts does not read (help, `--flag=value`, other commands).
 * Every import of the package in dist/lib comes to the part (the others are types); the part's own
 * build bundles the package with the plugins that edit it.
 */
const PARTS = {
  ssh2: { entry: "module.exports = require('ssh2');\n", external: ['cpu-features'], plugins: () => [ssh2Binding, dependencyEdits] },
  yargs: { entry: "module.exports = require('yargs').default;\n", external: [], plugins: () => [lazyDefaultExports, dependencyEdits] },
};
const partsOfTheBundle = {
  name: 'parts-of-the-bundle',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${Object.keys(PARTS).join('|')})$`) }, (args) => ({ path: args.path, namespace: 'bundle-part' }));
    build.onResolve({ filter: /^runbook-loader$/ }, () => ({ path: '../../bin/load-bundle.js', external: true }));
    build.onLoad({ filter: /.*/, namespace: 'bundle-part' }, (args) => ({ contents: `module.exports = require('runbook-loader').loadPart(${JSON.stringify(args.path)});\n`, loader: 'js' }));
  },
};

/** What both files share: CommonJS for Node 20, wrapped, minified, ASCII (see the options below). */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // The file is the function Node would wrap a CommonJS file in, written out (bin/load-bundle.js
  // compiles it as it is): wrapping 1.6 MB at run time made V8 copy the joined string once more
  // before compiling (~400 page faults, each costly in a VM). The wrapper opens on the banner's line,
  // as Node's does on line 1, so line numbers in stacks stay those of the bundled code.
  banner: { js: "(function (exports, require, module, __filename, __dirname) { const __runbookBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  footer: { js: '})' },
  // Less to read at every start (the code cache keeps the names, so stacks still name functions).
  minifyWhitespace: true,
  minifySyntax: true,
  // Pure ASCII (non-ASCII in strings is escaped, comments are gone): bin/load-bundle.js reads it as
  // latin1, a one-byte string made without decoding. Licences of what is bundled: *.LEGAL.txt.
  charset: 'ascii',
  legalComments: 'external',
  logLevel: 'warning',
  // import.meta.url of every bundled module is its file's own (threads.ts finds thread-worker.js
  // beside runbook.cjs; yargs finds its locales from yargs.cjs).
  define: { 'import.meta.url': '__runbookBundleUrl' },
};

for (const [name, part] of Object.entries(PARTS)) {
  const partResult = await esbuild.build({
    ...common,
    stdin: { contents: part.entry, resolveDir: root, sourcefile: `${name}-entry.js` },
    outfile: join(outdir, `${name}.cjs`),
    external: part.external,
    plugins: part.plugins(),
  });
  if (partResult.errors.length > 0) process.exit(1);
}

const result = await esbuild.build({
  stdin: {
    // thread-worker.js: each worker thread's code (lib/cli/threads.ts starts dist/bundle/thread-worker.js,
    // written below, which runs it from this same bundle and cache).
    contents: "export { main } from './dist/lib/cli/main.js';\nexport function runThreadWorker() { return import('./dist/lib/cli/thread-worker.js'); }\n",
    resolveDir: root,
    sourcefile: 'runbook-entry.js',
  },
  outfile: join(outdir, 'runbook.cjs'),
  ...common,
  // cpu-features: a native addon, required at run time from node_modules, as ssh2 does. node-forge
  // (a fifth of the bundle) and jmespath: only certificate modules and json_query use them, so they
  // load from node_modules when first used instead of being read at every start.
  external: ['cpu-features', 'node-forge', 'jmespath'],
  plugins: [bundledRequire, partsOfTheBundle, lazyDefaultExports, dependencyEdits],
});
if (result.errors.length > 0) process.exit(1);
for (const file of ['runbook.cjs', ...Object.keys(PARTS).map((name) => `${name}.cjs`)]) {
  const bundled = readFileSync(join(outdir, file));
  // A script compiled from V8's code cache has no loader for import() ("A dynamic import callback was
  // not specified"): every module must come by require. Name the importer rather than fail at run time.
  const dynamicImport = /\bimport\((?!\s*\))/.exec(bundled.toString('latin1'));
  if (dynamicImport) throw new Error(`bundle: ${file} calls import() (${bundled.toString('latin1', dynamicImport.index - 80, dynamicImport.index + 40)}): load it with require (see lib/cli/prompt.ts)`);
  const nonAscii = bundled.findIndex((byte) => byte > 0x7f);
  if (nonAscii !== -1) throw new Error(`bundle: ${file} has a non-ASCII byte at offset ${nonAscii}; bin/load-bundle.js reads it as latin1`);
}

writeFileSync(
  join(outdir, 'thread-worker.js'),
  "// Written by tools/bundle.mjs: a worker thread's entry (lib/cli/threads.ts), run from the cached bundle.\n" +
    "import { loadBundle } from '../../bin/load-bundle.js';\n\nawait loadBundle().exports.runThreadWorker();\n",
);

// The code cache, from a training run in a process of its own (see tools/bundle-cache.mjs).
const cache = spawnSync(process.execPath, [join(root, 'tools', 'bundle-cache.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (cache.status !== 0) {
  console.warn('bundle: no code cache written; runbook runs the bundle without it (slower start)');
}
