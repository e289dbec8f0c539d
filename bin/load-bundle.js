// Runs dist/bundle/runbook.cjs (made by tools/bundle.mjs) with V8's code cache: the bundle is
// compiled once at build time and the compiled code written beside it (runbook.cjs.cache), so a
// start deserializes code instead of parsing and compiling ~2 MB of JavaScript. Node 20 has no
// module.enableCompileCache and no cachedData for ES modules, hence one CommonJS file run through
// vm.Script. V8 refuses a cache made by another V8 version, other V8 flags or another source
// (cachedDataRejected): then the bundle compiles as any script would, only slower, never broken.
// Both bin/runbook.js and each worker thread (dist/bundle/thread-worker.js) start here. ssh2 and
// yargs are parts of their own (dist/bundle/ssh2.cjs, yargs.cjs, each with its cache), loaded the
// same way when first needed (tools/bundle.mjs PARTS): a start reads and deserializes only what
// runs before the first connection.
// CommonJS (bin/package.json), so that bin/runbook.js needs no ES-module loader.
'use strict';
const { closeSync, fstatSync, openSync, readSync } = require('node:fs');
const { createRequire } = require('node:module');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');
const zlib = require('node:zlib');

// V8 optimises a function (TurboFan, on a background thread) once it has run a budget of
// bytecode. The default budget suits long-lived processes; a run is a few seconds, and on a kept
// no-op TurboFan was 34-43 % of runbook's CPU (400-1,000 hosts), spent on ~200-280 functions
// optimised once each, most too late to pay back (no deoptimisation loops: at most 3 compiles per
// function). Four times the budget optimises only what stays hot: 160 -> 96 functions on the
// controller-only run, callgrind instructions -11 % (400 hosts) and -9 % (1,000 hosts) on the kept
// no-op. Set here, before the bundle is compiled, so tools/bundle-cache.mjs trains and writes the
// code cache under the same flags (V8 refuses a cache made under others). Process-wide: worker
// threads and the connection keeper run with it too.
require('node:v8').setFlagsFromString('--interrupt-budget=270336');

const bundleFile = join(__dirname, '..', 'dist', 'bundle', 'runbook.cjs');
exports.bundleFile = bundleFile;
const cacheFile = `${bundleFile}.cache`;
exports.cacheFile = cacheFile;
/** The parts loaded after the start (tools/bundle.mjs writes each with its cache beside it), by name. */
const partFiles = { ssh2: join(__dirname, '..', 'dist', 'bundle', 'ssh2.cjs'), yargs: join(__dirname, '..', 'dist', 'bundle', 'yargs.cjs') };
exports.partFiles = partFiles;
/** Every script compiled here (bundle and parts), for tools/bundle-cache.mjs to write their caches after its training. */
const compiled = [];
exports.compiled = compiled;

/**
 * The cache file: CACHE_MAGIC, the CRC-32 of the bundle it was made from, the CRC-32 of V8's data,
 * 4 bytes of padding (V8's data stays 8-byte aligned), then V8's data. V8 itself checks little of
 * it (version, flags, source length: a damaged body crashes the process), so the loader checks both
 * CRCs first and compiles from source when either differs. Written by tools/bundle-cache.mjs.
 */
const CACHE_MAGIC = 'RBC1';
exports.CACHE_MAGIC = CACHE_MAGIC;
const HEADER = 16;

/** The checksum of the header; Node 20 before 20.15 has no zlib.crc32, and then no cache is used. */
const checksum = typeof zlib.crc32 === 'function' ? (bytes) => zlib.crc32(bytes) : undefined;

exports.checksum = checksum;

exports.cacheFileBytes = function cacheFileBytes(sourceChecksum, data) {
  const header = Buffer.alloc(HEADER);
  header.write(CACHE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(sourceChecksum, 4);
  header.writeUInt32LE(checksum(data), 8);
  return Buffer.concat([header, data]);
};

/**
 * The bytes of an open file, read into `into` when it is large enough (else a new buffer). Each
 * page of fresh memory costs a page fault, which in a VM costs more than copying the page: the
 * cache is read into the pages the bundle was read into, once the bundle is a string.
 */
function readOpen(fd, into) {
  const { size } = fstatSync(fd);
  const buffer = into !== undefined && into.length >= size ? into.subarray(0, size) : Buffer.allocUnsafeSlow(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, buffer, read, size - read, read);
    if (n === 0) return buffer.subarray(0, read);
    read += n;
  }
  return buffer;
}

/** Reads a whole file with readOpen; undefined when it cannot be opened. */
function readFile(path, into) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return readOpen(fd, into);
  } finally {
    closeSync(fd);
  }
}

/** V8's data from a cache file made for the bundle whose checksum is `sourceChecksum`, or why there is none. */
function readCache(path, sourceChecksum, into) {
  if (!checksum) return { status: 'absent' };
  const file = readFile(path, into);
  if (file === undefined) return { status: 'absent' };
  const data = file.subarray(HEADER);
  const intact = file.length > HEADER && file.toString('latin1', 0, 4) === CACHE_MAGIC && file.readUInt32LE(4) === sourceChecksum && file.readUInt32LE(8) === checksum(data);
  return intact ? { status: 'read', data } : { status: 'damaged' };
}

/**
 * Compiles and runs the bundle as Node would a CommonJS module; returns its exports, the compiled
 * script (tools/bundle-cache.mjs writes its code cache after a training run) and what became of
 * the cache: absent, damaged (its checksums differ: not handed to V8), rejected (by V8: another
 * Node, other flags) or accepted. `cache: null` compiles from source alone.
 */
exports.loadBundle = function loadBundle({ cache = cacheFile } = {}) {
  const loaded = compileAndRun(bundleFile, cache);
  // For -v (lib/cli/verbose.ts codeCacheNote): a slow start says why.
  globalThis[Symbol.for('runbook.codeCacheStatus')] = loaded.cacheStatus;
  return loaded;
};

/** A part of the bundle (partFiles), compiled and run as the bundle is, with its own cache; its exports. */
exports.loadPart = function loadPart(name) {
  return compileAndRun(partFiles[name], `${partFiles[name]}.cache`).exports;
};

function compileAndRun(file, cache) {
  const bytes = readFile(file);
  if (bytes === undefined) throw new Error(`runbook: cannot read ${file}`);
  // ASCII only (tools/bundle.mjs checks): latin1 makes the string without decoding UTF-8.
  const source = bytes.toString('latin1');
  const sourceChecksum = checksum?.(bytes);
  // From here on `bytes` is free memory for the cache (readFile).
  const read = cache === null ? { status: 'absent' } : readCache(cache, sourceChecksum, bytes);
  // The file is already wrapped as Node wraps a CommonJS file (tools/bundle.mjs): compiled as read,
  // with no second copy of the source.
  const script = new vm.Script(source, {
    filename: file,
    cachedData: read.data,
  });
  const cacheStatus = read.data === undefined ? read.status : script.cachedDataRejected ? 'rejected' : 'accepted';
  if (process.env.RUNBOOK_DEBUG_CACHE) process.stderr.write(`runbook: code cache ${file === bundleFile ? '' : `of ${basename(file)} `}${cacheStatus}\n`);
  const module = { exports: {} };
  compiled.push({ file, script, sourceChecksum });
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, sourceChecksum, cacheStatus };
}
