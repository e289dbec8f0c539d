import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  UnsafeText,
  loadYamlFile,
  yaml
} from "./chunk-DNMEMACC.js";
import {
  isVaultText,
  noteRead,
  readMaybeVaultFile
} from "./chunk-CEXGABJJ.js";
import {
  InputError,
  didYouMean
} from "./chunk-2UVUKPLH.js";

// dist/lib/modules/certificate.js
import { posix as posix2 } from "node:path";

// dist/lib/modules/file-state.js
import { createHash } from "node:crypto";
import { posix } from "node:path";

// dist/lib/facts/kind.js
function requestKey(request) {
  return `${request.kind.name}\0${request.kind.key(request.param)}`;
}
var FactError = class _FactError extends Error {
  tool;
  host;
  name = "FactError";
  constructor(tool, detail, host, options) {
    super(`${host ? `${host}: ` : ""}${tool}: ${detail}`, options);
    this.tool = tool;
    this.host = host;
  }
  /** The same error, now naming the host it came from. */
  on(host) {
    return this.host ? this : new _FactError(this.tool, this.message.slice(this.tool.length + 2), host, { cause: this.cause });
  }
};
function excerpt(output) {
  const text = (output.stderr.length > 0 ? output.stderr : output.stdout).toString("utf8").trim();
  const lines2 = text.split("\n").slice(0, 3).join(" / ");
  return lines2.length > 300 ? `${lines2.slice(0, 300)}\u2026` : lines2 || `exit ${output.code}, no output`;
}
function missingTool(output, need) {
  if (output.code === 127)
    return new FactError(output.tool, `not found on the host \u2014 ${need}`);
  return void 0;
}
function stderrLines(output) {
  return output.stderr.toString("utf8").split("\n").filter((line) => line !== "");
}

// dist/lib/util/shell.js
function shellQuote(word) {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
function shellCommand(words) {
  return words.map(shellQuote).join(" ");
}

// dist/lib/facts/path.js
var TYPES = {
  "regular file": "file",
  "regular empty file": "file",
  directory: "directory",
  "symbolic link": "link"
};
var ABSENT = /^stat: cannot stat(?:x)? .*: (?:No such file or directory|Not a directory)$/;
var UNREADABLE = /^sha256sum: .*: Permission denied$/;
function setPaths(paths) {
  return `set -- ${paths.map(shellQuote).join(" ")}`;
}
var pathKind = {
  name: "path",
  key: (path3) => path3,
  sections: (paths) => [
    {
      tool: "stat",
      // Records are NUL-separated so any path survives the trip; link targets ride along.
      script: [
        setPaths(paths),
        `stat --printf 'S\\0%n\\0%F\\0%a\\0%U\\0%G\\0%s\\0' -- "$@"; r=$?`,
        `for p do [ -L "$p" ] || continue; t=$(readlink -- "$p") || exit 1; printf 'L\\0%s\\0%s\\0' "$p" "$t"; done`,
        "exit $r"
      ].join("\n")
    },
    {
      tool: "sha256sum",
      script: [setPaths(paths), `for p do [ -f "$p" ] && [ ! -L "$p" ] && printf '%s\\0' "$p"; done | xargs -0r sha256sum -z --`].join("\n")
    }
  ],
  parse([stat2, hashes], paths) {
    const states = parseStat(stat2, paths);
    for (const [path3, sha2562] of parseHashes(hashes, states))
      states.get(path3).sha256 = sha2562;
    return paths.map((path3) => states.get(path3));
  }
};
function pathFact(path3) {
  return { kind: pathKind, param: path3 };
}
function parseStat(output, paths) {
  const gnuRequired = " \u2014 GNU coreutils stat is required";
  const missing = missingTool(output, "GNU coreutils stat is required");
  if (missing)
    throw missing;
  const wanted = new Set(paths);
  const states = /* @__PURE__ */ new Map();
  const fields = output.stdout.toString("utf8").split("\0");
  const garbled = (what) => new FactError("stat", `output does not parse (${what})${gnuRequired}: '${output.stdout.subarray(0, 120).toString("utf8").replace(/\0/g, "\u2400")}'`);
  let i = 0;
  for (; i < fields.length - 1; ) {
    const tag = fields[i];
    if (tag === "S") {
      const [path3, type, mode, owner, group, size2] = fields.slice(i + 1, i + 7);
      if (i + 7 > fields.length - 1 || !wanted.has(path3) || !/^[0-7]{1,4}$/.test(mode) || !/^\d+$/.test(size2) || !owner || !group)
        throw garbled(`record for ${JSON.stringify(path3)}`);
      states.set(path3, { path: path3, exists: true, type: TYPES[type] ?? "other", mode: mode.padStart(4, "0"), owner, group, size: Number(size2) });
      i += 7;
    } else if (tag === "L") {
      const state = states.get(fields[i + 1]);
      if (!state || state.type !== "link" || i + 3 > fields.length - 1)
        throw new FactError("readlink", `unexpected link record for ${JSON.stringify(fields[i + 1])}`);
      state.linkTarget = fields[i + 2];
      i += 3;
    } else {
      throw garbled(`unexpected '${tag.slice(0, 40)}'`);
    }
  }
  if (fields[fields.length - 1] !== "")
    throw garbled("truncated");
  const absent2 = paths.filter((path3) => !states.has(path3));
  const lines2 = stderrLines(output);
  const unexplained = lines2.filter((line) => !ABSENT.test(line));
  if (unexplained.length > 0 || lines2.length !== absent2.length || output.code !== 0 && absent2.length === 0) {
    const refusedOption = unexplained.some((line) => /unrecognized option|invalid option|unknown option|illegal option/.test(line));
    throw new FactError("stat", `${unexplained.length > 0 ? unexplained.slice(0, 2).join(" / ").replace(/^stat: /, "") : excerpt(output)}${refusedOption ? gnuRequired : ""}`);
  }
  for (const path3 of absent2)
    states.set(path3, { path: path3, exists: false });
  for (const state of states.values())
    if (state.type === "link" && state.linkTarget === void 0)
      throw new FactError("readlink", `no target read for link ${state.path}`);
  return states;
}
function parseHashes(output, states) {
  const missing = missingTool(output, "GNU coreutils sha256sum is required");
  if (missing)
    throw missing;
  const hashes = /* @__PURE__ */ new Map();
  const records = output.stdout.toString("utf8").split("\0");
  if (records.pop() !== "")
    throw new FactError("sha256sum", `output does not parse (truncated): '${output.stdout.subarray(0, 120).toString("utf8")}'`);
  for (const record of records) {
    const match = /^([0-9a-f]{64}) [ *](.*)$/s.exec(record);
    const state = match ? states.get(match[2]) : void 0;
    if (!match || !state || state.type !== "file")
      throw new FactError("sha256sum", `output does not parse: '${record.slice(0, 120)}' \u2014 GNU coreutils sha256sum is required`);
    hashes.set(match[2], match[1]);
  }
  const lines2 = stderrLines(output);
  const unexplained = lines2.filter((line) => !UNREADABLE.test(line));
  if (unexplained.length > 0 || output.code !== 0 && lines2.length === 0)
    throw new FactError("sha256sum", excerpt({ ...output, stderr: Buffer.from(unexplained.join("\n")) }));
  const unhashed = [...states.values()].filter((s) => s.type === "file" && !hashes.has(s.path));
  if (unhashed.length > lines2.length)
    throw new FactError("sha256sum", `no checksum for ${unhashed[0].path}`);
  return hashes;
}

// dist/lib/facts/content.js
var fileContentKind = {
  name: "content",
  key: (path3) => path3,
  sections: (paths) => paths.map((path3) => ({ tool: "cat", script: `cat -- ${shellQuote(path3)}` })),
  parse: (outputs, paths) => paths.map((path3, i) => {
    const output = outputs[i];
    if (output.code === 0 && output.stderr.length === 0)
      return { path: path3, exists: true, readable: true, content: Buffer.from(output.stdout) };
    const missing = missingTool(output, "cat is required");
    if (missing)
      throw missing;
    const said = output.stderr.toString("utf8").trim();
    if (/: No such file or directory$/.test(said) && output.stdout.length === 0)
      return { path: path3, exists: false, readable: false };
    if (/: Permission denied$/.test(said) && output.stdout.length === 0)
      return { path: path3, exists: true, readable: false };
    throw new FactError("cat", `cannot read ${path3}: ${excerpt(output)}`);
  })
};
function fileContentFact(path3) {
  return { kind: fileContentKind, param: path3 };
}

// dist/lib/facts/command.js
var commandKind = {
  name: "command",
  key: (argv) => JSON.stringify(argv),
  sections: (commands) => commands.map((argv) => ({ tool: argv[0], script: shellCommand(argv) })),
  parse: (outputs) => outputs.map(({ code, stdout, stderr }) => ({ code, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) }))
};
function commandFact(argv) {
  if (argv.length === 0)
    throw new Error("a command fact needs a program");
  return { kind: commandKind, param: argv };
}

// dist/lib/facts/service.js
var PROPERTIES = "LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload";
var UNIT_DIRS = ["/etc/systemd/", "/lib/systemd/", "/usr/lib/systemd/", "/run/systemd/"];
var RUNNING = /* @__PURE__ */ new Set(["active", "activating", "reloading"]);
var ENABLED = /* @__PURE__ */ new Set(["enabled", "enabled-runtime", "static", "generated", "alias"]);
function parseShow(name, stdout) {
  const props = new Map(stdout.split("\n").filter((line) => line.includes("=")).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1).trim()]));
  for (const property of ["LoadState", "ActiveState", "UnitFileState"]) {
    if (!props.has(property))
      throw new FactError("systemctl", `show ${name} did not report ${property}: '${stdout.slice(0, 160)}'`);
  }
  const unitFileState = props.get("UnitFileState") ?? "";
  const activeState = props.get("ActiveState") ?? "";
  return {
    name,
    loaded: props.get("LoadState") !== "not-found",
    active: RUNNING.has(activeState),
    enabled: ENABLED.has(unitFileState),
    activeState,
    subState: props.get("SubState") ?? "",
    unitFileState,
    needDaemonReload: props.get("NeedDaemonReload") === "yes"
  };
}
var serviceKind = {
  name: "service",
  key: (name) => name,
  sections: (names) => [
    {
      tool: "systemctl",
      // One call per unit, unit first: the form every systemctl (and the sandbox stand-in) takes.
      script: `for u in ${names.map(shellQuote).join(" ")}; do printf '\\036%s\\n' "$u"; systemctl show "$u" --property=${PROPERTIES} || exit; done`
    }
  ],
  parse([output], names) {
    const missing = missingTool(output, "systemd is required for service facts");
    if (missing)
      throw missing;
    if (output.code !== 0)
      throw new FactError("systemctl", `${excerpt(output)} (is systemd running?)`);
    const blocks2 = output.stdout.toString("utf8").split("").slice(1);
    if (blocks2.length !== names.length)
      throw new FactError("systemctl", `answered for ${blocks2.length} of ${names.length} units`);
    return names.map((name, i) => {
      const newline = blocks2[i].indexOf("\n");
      if (blocks2[i].slice(0, newline) !== name)
        throw new FactError("systemctl", `answer out of order for ${name}`);
      return parseShow(name, blocks2[i].slice(newline + 1));
    });
  },
  onPathChanged: (state, _name, path3) => UNIT_DIRS.some((dir) => path3.startsWith(dir)) ? { ...state, needDaemonReload: true } : state
};
function serviceFact(name) {
  return { kind: serviceKind, param: name };
}

// dist/lib/facts/account.js
function entries(output, database, fieldCount) {
  const missing = missingTool(output, "getent is required for user and group facts");
  if (missing)
    throw missing;
  if (output.code !== 0 && output.code !== 2)
    throw new FactError("getent", `${database}: ${excerpt(output)}`);
  return output.stdout.toString("utf8").split("\n").filter((line) => line !== "").map((line) => {
    const fields = line.split(":");
    if (fields.length !== fieldCount || !/^\d+$/.test(fields[2]))
      throw new FactError("getent", `${database} output does not parse: '${line.slice(0, 120)}'`);
    return fields;
  });
}
function find(rows, key) {
  return rows.find((row) => row[0] === key) ?? (/^\d+$/.test(key) ? rows.find((row) => row[2] === key) : void 0);
}
var userKind = {
  name: "user",
  key: (name) => name,
  sections: (names) => [{ tool: "getent", script: `getent passwd ${names.map(shellQuote).join(" ")}` }],
  parse([output], names) {
    const rows = entries(output, "passwd", 7);
    return names.map((name) => {
      const row = find(rows, name);
      if (!row)
        return { name, exists: false };
      return { name: row[0], exists: true, uid: Number(row[2]), gid: Number(row[3]), comment: row[4], home: row[5], shell: row[6] };
    });
  }
};
var groupKind = {
  name: "group",
  key: (name) => name,
  sections: (names) => [{ tool: "getent", script: `getent group ${names.map(shellQuote).join(" ")}` }],
  parse([output], names) {
    const rows = entries(output, "group", 4);
    return names.map((name) => {
      const row = find(rows, name);
      if (!row)
        return { name, exists: false };
      return { name: row[0], exists: true, gid: Number(row[2]), members: row[3] === "" ? [] : row[3].split(",") };
    });
  }
};
function userFact(name) {
  return { kind: userKind, param: name };
}
function groupFact(name) {
  return { kind: groupKind, param: name };
}

// dist/lib/facts/stat.js
var ABSENT2 = /^stat: cannot stat(?:x)? .*: (?:No such file or directory|Not a directory)$/;
var FIELDS = ["rawmode", "uid", "gid", "pw_name", "gr_name", "size", "inode", "dev", "nlink", "atime", "mtime", "ctime", "blocks", "block_size", "major", "minor"];
var statKind = {
  name: "stat",
  key: (param2) => JSON.stringify([param2.path, param2.follow, param2.checksum ?? ""]),
  sections: (params) => params.map(({ path: path3, follow, checksum }) => {
    const p = shellQuote(path3);
    const lines2 = [
      `stat ${follow ? "-L " : ""}--printf '%f\\0%u\\0%g\\0%U\\0%G\\0%s\\0%i\\0%d\\0%h\\0%.9X\\0%.9Y\\0%.9Z\\0%b\\0%o\\0%t\\0%T\\0' -- ${p} || exit $?`,
      `a=; [ -r ${p} ] && a=r; [ -w ${p} ] && a=\${a}w; [ -x ${p} ] && a=\${a}x; printf '%s\\0' "$a"`,
      `if [ -L ${p} ]; then t=$(readlink -- ${p}) || exit 1; printf '%s\\0%s\\0' "$t" "$(realpath -- ${p} 2>/dev/null)"; else printf '\\0\\0'; fi`
    ];
    if (checksum) {
      const test = follow ? `[ -f ${p} ]` : `[ -f ${p} ] && [ ! -L ${p} ]`;
      lines2.push(`if ${test} && [ -r ${p} ]; then s=$(${checksum}sum < ${p}) || exit 1; printf '%s\\0' "\${s%% *}"; else printf '\\0'; fi`);
    }
    return { tool: "stat", script: lines2.join("\n") };
  }),
  parse: (outputs, params) => params.map((param2, i) => parseOne(outputs[i], param2)),
  // A task wrote this path: forget the answer, so the next check sees the host again.
  forgetOnPathChanged: (param2, path3) => param2.path === path3
};
function statFact(param2) {
  return { kind: statKind, param: param2 };
}
function parseOne(output, param2) {
  const missing = missingTool(output, "GNU coreutils stat is required");
  if (missing)
    throw missing;
  if (output.code !== 0) {
    const lines2 = stderrLines(output);
    if (lines2.length === 1 && ABSENT2.test(lines2[0]) && output.stdout.length === 0)
      return { exists: false };
    throw new FactError("stat", `${param2.path}: ${excerpt(output)}`);
  }
  const fields = output.stdout.toString("utf8").split("\0");
  const expected = FIELDS.length + 3 + (param2.checksum ? 1 : 0) + 1;
  if (fields.length !== expected || fields[fields.length - 1] !== "" || !/^[0-9a-f]+$/.test(fields[0])) {
    throw new FactError("stat", `output for ${param2.path} does not parse \u2014 GNU coreutils stat is required: '${output.stdout.subarray(0, 120).toString("utf8").replace(/\0/g, "\u2400")}'`);
  }
  const raw = Object.fromEntries(FIELDS.map((name, i) => [name, fields[i]]));
  const [access, linkTarget, linkSource] = fields.slice(FIELDS.length, FIELDS.length + 3);
  const checksum = param2.checksum ? fields[FIELDS.length + 3] : "";
  const mode = parseInt(raw.rawmode, 16);
  const type = mode & 61440;
  const perm = mode & 4095;
  const bit = (b) => (perm & b) !== 0;
  const value = {
    exists: true,
    path: param2.path,
    mode: perm.toString(8).padStart(4, "0"),
    isdir: type === 16384,
    ischr: type === 8192,
    isblk: type === 24576,
    isreg: type === 32768,
    isfifo: type === 4096,
    islnk: type === 40960,
    issock: type === 49152,
    uid: Number(raw.uid),
    gid: Number(raw.gid),
    size: Number(raw.size),
    inode: Number(raw.inode),
    dev: Number(raw.dev),
    nlink: Number(raw.nlink),
    atime: Number(raw.atime),
    mtime: Number(raw.mtime),
    ctime: Number(raw.ctime),
    wusr: bit(128),
    rusr: bit(256),
    xusr: bit(64),
    wgrp: bit(16),
    rgrp: bit(32),
    xgrp: bit(8),
    woth: bit(2),
    roth: bit(4),
    xoth: bit(1),
    isuid: bit(2048),
    isgid: bit(1024),
    blocks: Number(raw.blocks),
    block_size: Number(raw.block_size),
    device_type: parseInt(raw.major, 16) * 256 + parseInt(raw.minor, 16),
    readable: access.includes("r"),
    writeable: access.includes("w"),
    executable: access.includes("x")
  };
  if (raw.pw_name !== "UNKNOWN")
    value.pw_name = raw.pw_name;
  if (raw.gr_name !== "UNKNOWN")
    value.gr_name = raw.gr_name;
  if (value.islnk) {
    value.lnk_target = linkTarget;
    value.lnk_source = linkSource;
  }
  if (checksum) {
    if (!/^[0-9a-f]{32,128}$/.test(checksum))
      throw new FactError(`${param2.checksum}sum`, `output for ${param2.path} does not parse: '${checksum.slice(0, 80)}'`);
    value.checksum = checksum;
  }
  return value;
}

// dist/lib/facts/probe.js
import { randomBytes } from "node:crypto";
function planProbe(requests) {
  const byKind = /* @__PURE__ */ new Map();
  for (const request of requests) {
    let group = byKind.get(request.kind);
    if (!group)
      byKind.set(request.kind, group = /* @__PURE__ */ new Map());
    group.set(requestKey(request), request);
  }
  const groups = [];
  const boundary = `probe-${randomBytes(12).toString("hex")}`;
  const lines2 = [
    "LC_ALL=C; export LC_ALL",
    `B=${boundary}`,
    // A newline before each boundary: a section's output need not end with one (it is taken off again).
    `s() { r=$?; printf '\\n%s %s %s\\n' "$B" "$1" "$r"; printf '\\n%s %s\\n' "$B" "$1" >&2; }`,
    `printf '%s begin\\n' "$B"; printf '%s begin\\n' "$B" >&2`
  ];
  let index = 0;
  for (const [kind, distinct] of byKind) {
    const list = [...distinct.values()];
    const sections = kind.sections(list.map((r) => r.param));
    groups.push({ kind, requests: list, sections });
    for (const section of sections) {
      lines2.push(`(
${section.script}
) </dev/null; s ${index++}`);
    }
  }
  lines2.push(`printf '%s end\\n' "$B"`);
  return { script: lines2.join("\n"), boundary, groups };
}
function splitSections(stdout, stderr, boundary, tools) {
  const begin = Buffer.from(`${boundary} begin
`);
  const count = (output) => {
    let n = 0;
    for (let at = output.indexOf(boundary); at >= 0; at = output.indexOf(boundary, at + boundary.length))
      n++;
    return n;
  };
  if (!stdout.subarray(0, begin.length).equals(begin)) {
    throw new FactError(tools[0] ?? "sh", `no answer from the probe${stdout.length ? ` (got '${stdout.subarray(0, 80).toString("utf8")}')` : ""}`);
  }
  const marker = Buffer.from(`
${boundary} `);
  const outputs = [];
  let out = begin.length;
  const errStart = stderr.indexOf(begin);
  let err = errStart < 0 ? stderr.length : errStart + begin.length;
  for (let index = 0; index < tools.length; index++) {
    const outEnd = stdout.indexOf(marker, out);
    const lineEnd = outEnd < 0 ? -1 : stdout.indexOf(10, outEnd + marker.length);
    const header = lineEnd < 0 ? void 0 : /^(\d+) (\d+)$/.exec(stdout.subarray(outEnd + marker.length, lineEnd).toString("latin1"));
    const errEnd = stderr.indexOf(Buffer.from(`
${boundary} ${index}
`), err);
    if (!header || Number(header[1]) !== index || errEnd < 0) {
      throw new FactError(tools[index], `no answer from the probe (section ${index + 1} of ${tools.length} is missing${out < stdout.length ? `; got '${stdout.subarray(out, out + 80).toString("utf8")}'` : ""})`);
    }
    outputs.push({ tool: tools[index], code: Number(header[2]), stdout: stdout.subarray(out, outEnd), stderr: stderr.subarray(err, errEnd) });
    out = lineEnd + 1;
    err = errEnd + boundary.length + String(index).length + 3;
  }
  if (stdout.subarray(out).toString("latin1") !== `${boundary} end
`)
    throw new FactError("sh", "the probe did not finish");
  if (count(stdout) !== tools.length + 2 || count(stderr) !== tools.length + 1)
    throw new FactError("sh", "the probe's answer does not parse (a section printed its boundary)");
  return outputs;
}
function parseProbe(plan, result) {
  const tools = plan.groups.flatMap((g) => g.sections.map((s) => s.tool));
  if (result.code !== 0) {
    const said = result.stderr.toString("utf8").split("\n").filter((line) => line.trim() !== "" && !line.includes(plan.boundary)).slice(0, 3).join(" / ");
    const tool = /^(sudo|sh|bash|mktemp)\b/.exec(said)?.[1] ?? "probe";
    throw new FactError(tool, `the fact probe failed (exit ${result.code})${said ? `: ${said.replace(/^(sudo|sh|bash|mktemp): /, "")}` : ""}`);
  }
  const outputs = splitSections(result.stdout, result.stderr, plan.boundary, tools);
  const answers = /* @__PURE__ */ new Map();
  let next = 0;
  for (const group of plan.groups) {
    const mine = outputs.slice(next, next + group.sections.length);
    next += group.sections.length;
    const values = group.kind.parse(mine, group.requests.map((r) => r.param));
    group.requests.forEach((request, i) => answers.set(requestKey(request), values[i]));
  }
  return answers;
}

// dist/lib/modules/file-state.js
function fileMetadataArgs(defaultMode) {
  return { mode: { type: "mode", ...defaultMode ? { default: defaultMode } : {} }, owner: { type: "str" }, group: { type: "str" } };
}
function sha256(content) {
  return createHash("sha256").update(content).digest("hex");
}
function isSecretMode(mode) {
  return mode !== void 0 && (parseInt(mode, 8) & 4) === 0;
}
function printable(content) {
  if (!content || content.length > 256 * 1024 || content.includes(0))
    return void 0;
  return content.toString("utf8");
}
async function currentRegularFile(path3, ctx) {
  const current = await ctx.facts.path(path3);
  if (current.exists && current.type !== "file")
    throw new Error(`${path3} exists and is a ${current.type}, not a regular file`);
  return current;
}
function regularFileAfter(current, desired, ctx) {
  return {
    path: desired.path,
    exists: true,
    type: "file",
    mode: desired.mode ?? current.mode ?? "0644",
    owner: desired.owner ?? current.owner ?? ctx.user,
    group: desired.group ?? current.group ?? ctx.user
  };
}
function writeFacts(path3, meta2) {
  return [pathFact(path3), pathFact(posix.dirname(path3)), ...accountFacts(meta2.owner, meta2.group)];
}
function accountFacts(owner, group) {
  return [...owner !== void 0 && !/^\d+$/.test(owner) ? [userFact(owner)] : [], ...group !== void 0 && !/^\d+$/.test(group) ? [groupFact(group)] : []];
}
async function checkWritable(path3, current, after, ctx) {
  if (!current.exists) {
    const dir = posix.dirname(path3);
    const parent = await ctx.facts.path(dir);
    if (!parent.exists)
      throw new Error(`parent directory ${dir} does not exist`);
    if (parent.type !== "directory")
      throw new Error(`parent ${dir} is a ${parent.type}, not a directory`);
  }
  const owner = after.owner !== current.owner && after.owner !== ctx.user && after.owner !== void 0 && !/^\d+$/.test(after.owner) ? after.owner : void 0;
  const group = after.group !== current.group && after.group !== ctx.user && after.group !== void 0 && !/^\d+$/.test(after.group) ? after.group : void 0;
  if (owner !== void 0 && !(await ctx.facts.get(userFact(owner))).exists)
    throw new Error(`user ${owner} does not exist on the host`);
  if (group !== void 0 && !(await ctx.facts.get(groupFact(group))).exists)
    throw new Error(`group ${group} does not exist on the host`);
}
async function planRegularFile(desired, ctx) {
  const current = await currentRegularFile(desired.path, ctx);
  const after = {
    ...regularFileAfter(current, desired, ctx),
    sha256: desired.content ? sha256(desired.content) : desired.source ? desired.source.sha256 : current.sha256,
    size: desired.content ? desired.content.length : desired.source ? desired.source.size : current.size
  };
  const writeContent = !current.exists || (desired.content !== void 0 || desired.source !== void 0) && current.sha256 !== after.sha256;
  const changes = describeChanges(current, after, writeContent);
  if (changes.length > 0)
    await checkWritable(desired.path, current, after, ctx);
  const secret = ctx.noLog || isSecretMode(after.mode) || isSecretMode(current.mode);
  const contents = /* @__PURE__ */ new Map();
  if (desired.content)
    contents.set(desired.path, desired.content);
  const diff = [];
  if (changes.length > 0 && ctx.diff) {
    const before = writeContent && !secret && current.exists ? printable(await ctx.facts.content(desired.path)) : void 0;
    diff.push({
      path: desired.path,
      secret,
      before: snapshot(current, secret ? void 0 : before),
      after: snapshot(after, secret || !writeContent ? void 0 : printable(desired.content))
    });
    if (!writeContent || secret)
      delete diff[0].before.content;
  }
  return {
    changed: changes.length > 0,
    message: changes.join(", ") || void 0,
    diff,
    predicted: changes.length > 0 ? [after] : void 0,
    result: { path: desired.path, mode: after.mode, owner: after.owner, group: after.group, checksum: after.sha256 },
    data: { desired: writeTarget(current, desired, after), writeContent, contents }
  };
}
function describeChanges(current, after, writeContent) {
  if (!current.exists)
    return [`create ${after.type === "directory" ? "directory" : "file"} (mode ${after.mode}, ${after.owner}:${after.group})`];
  const changes = [];
  if (writeContent)
    changes.push("content");
  if (current.mode !== after.mode && after.type !== "link")
    changes.push(`mode ${current.mode} \u2192 ${after.mode}`);
  if (current.owner !== after.owner)
    changes.push(`owner ${current.owner} \u2192 ${after.owner}`);
  if (current.group !== after.group)
    changes.push(`group ${current.group} \u2192 ${after.group}`);
  return changes;
}
function snapshot(state, content) {
  return { exists: state.exists, type: state.type, mode: state.mode, owner: state.owner, group: state.group, sha256: state.sha256, content };
}
function applyRegularFile(plan, ctx) {
  const { desired } = plan;
  if (plan.writeContent) {
    ctx.transport.writeFile(desired.path, desired.content ?? desired.source ?? Buffer.alloc(0), { ...ctx.privilege, mode: desired.mode, owner: desired.owner, group: desired.group });
    return;
  }
  setMetadata(desired.path, desired, ctx, false);
}
function writeTarget(current, desired, after) {
  return {
    ...desired,
    mode: after.mode,
    owner: desired.owner ?? (current.exists ? current.owner : void 0),
    group: desired.group ?? (current.exists ? current.group : void 0)
  };
}
function setMetadata(path3, meta2, ctx, isLink) {
  const commands = [];
  if (meta2.owner !== void 0 || meta2.group !== void 0) {
    commands.push(`chown -h ${shellQuote(`${meta2.owner ?? ""}${meta2.group !== void 0 ? `:${meta2.group}` : ""}`)} -- ${shellQuote(path3)}`);
  }
  if (meta2.mode !== void 0 && !isLink)
    commands.push(`chmod ${meta2.mode} -- ${shellQuote(path3)}`);
  if (commands.length > 0)
    queueChange(ctx, commands.join(" && "));
}
function queueChange(ctx, script) {
  ctx.transport.queue({ script, privilege: ctx.privilege });
}
async function runNow(ctx, command2) {
  const result = await ctx.transport.exec(command2, ctx.privilege);
  if (result.code !== 0)
    throw new Error(result.stderr.toString().trim() || `'${command2}' exited ${result.code}`);
  return result.stdout.toString();
}

// dist/lib/modules/pki-util.js
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes as randomBytes2 } from "node:crypto";
import { isIP } from "node:net";
import { createRequire } from "node:module";
var requireModule = createRequire(import.meta.url);
var forgeModule;
function forge() {
  return forgeModule ??= requireModule("node-forge");
}
function fileReadRequests(path3) {
  return [pathFact(path3), fileContentFact(path3)];
}
async function readHostFile(facts, path3) {
  facts.want(fileReadRequests(path3));
  const state = await facts.path(path3);
  if (!state.exists)
    return { path: path3, state };
  if (state.type !== "file")
    throw new Error(`${path3} exists and is a ${state.type}, not a regular file`);
  return { path: path3, state, content: await facts.content(path3) };
}
function readableBy(state, user2) {
  if (user2 === "root" || state.mode === void 0)
    return true;
  const mode = parseInt(state.mode, 8);
  return state.owner === user2 ? (mode & 256) !== 0 : (mode & 4) !== 0;
}
function contentOrPending(file2, what, user2, dryRun, host) {
  const where = host ? ` on ${host}` : "";
  if (!file2.state.exists)
    throw new Error(`${what} ${file2.path} does not exist${where}`);
  if (!readableBy(file2.state, user2)) {
    throw new Error(`cannot read ${what} ${file2.path}${where} as ${user2} (mode ${file2.state.mode}, ${file2.state.owner}:${file2.state.group}): use become`);
  }
  if (file2.content === void 0 && !dryRun)
    throw new Error(`cannot read ${what} ${file2.path}${where} as ${user2}`);
  return file2.content;
}
async function planGeneratedFile(desired, ctx, message, secret) {
  const current = await currentRegularFile(desired.path, ctx);
  const after = regularFileAfter(current, desired, ctx);
  const diff = ctx.diff ? [{ path: desired.path, secret, before: snapshot(current), after: snapshot(after) }] : [];
  return {
    changed: true,
    message,
    diff,
    predicted: [after],
    result: { path: desired.path, mode: after.mode, owner: after.owner, group: after.group },
    data: { desired: writeTarget(current, desired, after), writeContent: true, contents: /* @__PURE__ */ new Map() }
  };
}
function generateRsaPrivateKeyPem(bits) {
  const { privateKey: privateKey2 } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 65537 });
  return Buffer.from(privateKey2.export({ type: "pkcs1", format: "pem" }));
}
function publicKeyPemOf(privateKeyPem, path3) {
  try {
    return Buffer.from(createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "pem" }));
  } catch (error) {
    throw new Error(`${path3} is not a readable private key (${error.message})`);
  }
}
function forgeRsaKey(privateKeyPem, path3) {
  let pkcs1;
  try {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== "rsa")
      throw new Error(`${key.asymmetricKeyType} keys are not supported, only RSA`);
    pkcs1 = key.export({ type: "pkcs1", format: "pem" }).toString();
  } catch (error) {
    throw new Error(`${path3} is not a usable private key (${error.message})`);
  }
  return forge().pki.privateKeyFromPem(pkcs1);
}
function normaliseSan(san) {
  const match = /^\s*(DNS|IP|IP Address|email|URI)\s*:\s*(.+?)\s*$/i.exec(san);
  if (!match)
    throw new Error(`subject alternative name '${san}' must look like 'DNS:name' or 'IP:address'`);
  const kind = match[1].toUpperCase();
  const value = match[2];
  if (kind === "DNS")
    return `DNS:${value.toLowerCase().replace(/\.$/, "")}`;
  if (kind === "EMAIL")
    return `email:${value}`;
  if (kind === "URI")
    return `URI:${value}`;
  return `IP:${normaliseIp(value, san)}`;
}
function normaliseIp(value, san) {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.every((p) => p <= 255))
      return parts.join(".");
  }
  if (isIP(value.replace(/^\[|\]$/g, "")) === 6)
    return new URL(`http://[${value.replace(/^\[|\]$/g, "")}]`).hostname.slice(1, -1);
  throw new Error(`'${san}' is not a valid IP address`);
}
var KEY_USAGES = ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"];
var EXTENDED_KEY_USAGES = ["serverAuth", "clientAuth", "codeSigning", "emailProtection", "timeStamping", "OCSPSigning"];
function canonicalUsage(name, known, what) {
  const squashed = name.replace(/[\s_-]/g, "").toLowerCase();
  const alias = squashed === "contentcommitment" ? "nonrepudiation" : squashed;
  const found = known.find((k) => k.toLowerCase() === alias);
  if (!found)
    throw new Error(`unknown ${what} '${name}' (known: ${known.join(", ")})`);
  return found;
}
function canonicalKeyUsages(names) {
  return [...new Set(names.map((n) => canonicalUsage(n, KEY_USAGES, "key usage")))].sort();
}
function canonicalExtendedKeyUsages(names) {
  return [...new Set(names.map((n) => canonicalUsage(n, EXTENDED_KEY_USAGES, "extended key usage")))].sort();
}
function pemCertificates(text) {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)?.map((b) => b.endsWith("\n") ? b : `${b}
`) ?? [];
}
var DAY_MS = 864e5;
function certificateVerdict(existingPem, keyPem, caPem, request, options = {}) {
  const now = options.now ?? /* @__PURE__ */ new Date();
  let native;
  let parsed;
  try {
    native = new X509Certificate(existingPem);
    parsed = forge().pki.certificateFromPem(existingPem);
  } catch (error) {
    return { keep: false, reason: `existing certificate cannot be parsed (${error.message})` };
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new Error(`the private key is not readable (${error.message})`);
  }
  const reasons = [];
  if (!native.checkPrivateKey(key))
    reasons.push("does not match its private key");
  const issuer = caPem === void 0 ? native : new X509Certificate(caPem);
  if (!native.checkIssued(issuer) || !native.verify(issuer.publicKey))
    reasons.push(`not signed by ${options.caPath ?? (caPem ? "the CA" : "its own key")}`);
  const cn = parsed.subject.getField("CN")?.value;
  if (cn !== request.commonName)
    reasons.push(`CN ${cn ?? "(none)"} \u2192 ${request.commonName}`);
  const organization = parsed.subject.getField("O")?.value;
  if ((organization ?? "") !== (request.organization ?? ""))
    reasons.push(`O ${organization ?? "(none)"} \u2192 ${request.organization ?? "(none)"}`);
  const basic = parsed.getExtension("basicConstraints");
  if (basic?.cA === true !== request.isCa)
    reasons.push(request.isCa ? "not a CA" : "is a CA");
  const present2 = new Set(certificateSans(parsed));
  const missing = request.subjectAltNames.filter((san) => !present2.has(san));
  if (missing.length > 0)
    reasons.push(`missing SAN${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  const usages = certificateUsages(parsed, "keyUsage", KEY_USAGES);
  if (usages.join() !== request.keyUsage.join())
    reasons.push(`key usage ${usages.join(",") || "(none)"} \u2192 ${request.keyUsage.join(",") || "(none)"}`);
  const extended = certificateUsages(parsed, "extKeyUsage", EXTENDED_KEY_USAGES);
  if (extended.join() !== request.extendedKeyUsage.join()) {
    reasons.push(`extended key usage ${extended.join(",") || "(none)"} \u2192 ${request.extendedKeyUsage.join(",") || "(none)"}`);
  }
  const left = new Date(native.validTo).getTime() - now.getTime();
  if (left <= 0)
    reasons.push(`expired ${Math.floor(-left / DAY_MS)} days ago`);
  else if (left < request.renewBeforeDays * DAY_MS)
    reasons.push(`expires in ${Math.floor(left / DAY_MS)} days`);
  return { keep: reasons.length === 0, reason: reasons.join("; ") };
}
function certificateSans(cert) {
  const extension = cert.getExtension("subjectAltName");
  const names = [];
  for (const name of extension?.altNames ?? []) {
    if (name.type === 2)
      names.push(normaliseSan(`DNS:${name.value}`));
    else if (name.type === 7 && name.ip)
      names.push(normaliseSan(`IP:${name.ip}`));
    else if (name.type === 1)
      names.push(`email:${name.value}`);
    else if (name.type === 6)
      names.push(`URI:${name.value}`);
  }
  return names;
}
function certificateUsages(cert, extension, known) {
  const flags = cert.getExtension(extension);
  return flags ? known.filter((k) => flags[k] === true).sort() : [];
}
function randomSerialHex() {
  const bytes = randomBytes2(16);
  bytes[0] = bytes[0] & 127 | 1;
  return bytes.toString("hex");
}
function forgeAltName(san) {
  const [kind, ...rest] = san.split(":");
  const value = rest.join(":");
  if (kind === "DNS")
    return { type: 2, value };
  if (kind === "IP")
    return { type: 7, ip: value };
  if (kind === "email")
    return { type: 1, value };
  return { type: 6, value };
}
function issueCertificate(input) {
  const { request } = input;
  const now = input.now ?? /* @__PURE__ */ new Date();
  const key = forgeRsaKey(input.keyPem, input.keyPath);
  const cert = forge().pki.createCertificate();
  cert.publicKey = forge().pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(now.getTime() - 5 * 6e4);
  cert.validity.notAfter = new Date(now.getTime() + request.validityDays * DAY_MS);
  const subject = [];
  if (request.organization)
    subject.push({ shortName: "O", value: request.organization });
  subject.push({ shortName: "CN", value: request.commonName });
  cert.setSubject(subject);
  const ca = input.caCertPem ? forge().pki.certificateFromPem(input.caCertPem) : void 0;
  cert.setIssuer(ca ? ca.subject.attributes : subject);
  const extensions = [
    { name: "basicConstraints", cA: request.isCa, critical: true },
    { name: "keyUsage", critical: true, ...Object.fromEntries(request.keyUsage.map((u) => [u, true])) },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: ca ? authorityKeyId(ca) : true }
  ];
  if (request.extendedKeyUsage.length > 0)
    extensions.push({ name: "extKeyUsage", ...Object.fromEntries(request.extendedKeyUsage.map((u) => [u, true])) });
  if (request.subjectAltNames.length > 0)
    extensions.push({ name: "subjectAltName", altNames: request.subjectAltNames.map(forgeAltName) });
  cert.setExtensions(extensions);
  const signer = ca ? forgeRsaKey(input.caKeyPem, input.caKeyPath ?? "CA key") : key;
  if (ca && ca.publicKey && ca.publicKey.n.compareTo(signer.n) !== 0) {
    throw new Error(`CA key ${input.caKeyPath ?? ""} does not match the CA certificate`.replace("  ", " "));
  }
  cert.sign(signer, forge().md.sha256.create());
  return forge().pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}
function authorityKeyId(ca) {
  const ski = ca.getExtension("subjectKeyIdentifier");
  return ski?.subjectKeyIdentifier ? forge().util.hexToBytes(ski.subjectKeyIdentifier) : ca.generateSubjectKeyIdentifier().getBytes();
}

// dist/lib/modules/certificate.js
var certificate = {
  name: "certificate",
  aliases: ["x509_certificate", "openssl_certificate"],
  description: "An X.509 certificate signed by a CA on the host (or self-signed), reissued with the same key when it no longer fits.",
  example: `- name: API server certificate
  certificate:
    path: /etc/kubernetes/pki/apiserver.crt
    private_key_path: /etc/kubernetes/pki/apiserver.key
    common_name: kube-apiserver
    subject_alt_names: ['DNS:kubernetes', 'IP:10.96.0.1']
    extended_key_usage: [serverAuth]
    ca_cert_path: /etc/kubernetes/pki/ca.crt
    ca_key_path: /etc/kubernetes/pki/ca.key
`,
  args: {
    path: { type: "path", absolute: true, required: true },
    private_key_path: { type: "path", absolute: true, required: true },
    common_name: { type: "str", required: true },
    organization: { type: "str" },
    subject_alt_names: { type: "list", elements: "str", default: [], aliases: ["subject_alt_name"] },
    key_usage: { type: "list", elements: "str" },
    extended_key_usage: { type: "list", elements: "str", default: [] },
    is_ca: { type: "bool", default: false },
    ca_cert_path: { type: "path", absolute: true },
    ca_key_path: { type: "path", absolute: true },
    validity_days: { type: "int" },
    renew_before_days: { type: "int", default: 30 },
    append_ca: { type: "bool", default: false },
    force: { type: "bool", default: false, description: "Reissue even when the certificate fits (the only way to rotate a CA)." },
    ...fileMetadataArgs("0644")
  },
  // Runs at load time on the raw, unrendered arguments: only literal values are judged here.
  validate(args) {
    if (args.ca_cert_path === void 0 !== (args.ca_key_path === void 0))
      return "certificate needs both 'ca_cert_path' and 'ca_key_path', or neither (self-signed)";
    if (args.append_ca === true && args.ca_cert_path === void 0)
      return "'append_ca' needs 'ca_cert_path'";
    try {
      literalStrings(args.subject_alt_names).forEach(normaliseSan);
      canonicalKeyUsages(literalStrings(args.key_usage));
      canonicalExtendedKeyUsages(literalStrings(args.extended_key_usage));
    } catch (error) {
      return error.message;
    }
    return void 0;
  },
  prefetch: (args) => [
    ...fileReadRequests(args.path),
    pathFact(posix2.dirname(args.path)),
    ...fileReadRequests(args.private_key_path),
    ...args.ca_cert_path ? fileReadRequests(args.ca_cert_path) : [],
    ...args.ca_key_path ? [pathFact(args.ca_key_path)] : []
    // stat only: the CA key is read when signing
  ],
  check: checkCertificate,
  async apply(args, check, ctx) {
    const plan = check.data;
    if (plan.issue) {
      const content = await signNow(args, ctx);
      plan.desired.content = content;
      plan.contents.set(args.path, content);
    }
    applyRegularFile(plan, ctx);
    return { changed: true };
  }
};
function literalStrings(value) {
  return Array.isArray(value) ? value.filter((v) => typeof v === "string" && !/\{\{|\{%/.test(v)) : [];
}
function requestOf(args) {
  return {
    commonName: args.common_name,
    organization: args.organization || void 0,
    subjectAltNames: [...new Set(args.subject_alt_names.map(normaliseSan))],
    keyUsage: canonicalKeyUsages(args.key_usage ?? (args.is_ca ? ["digitalSignature", "keyEncipherment", "keyCertSign", "cRLSign"] : ["digitalSignature", "keyEncipherment"])),
    extendedKeyUsage: canonicalExtendedKeyUsages(args.extended_key_usage),
    isCa: args.is_ca,
    validityDays: args.validity_days ?? (args.is_ca ? 3650 : 365),
    renewBeforeDays: args.renew_before_days
  };
}
function fileMeta(args) {
  return { path: args.path, mode: args.mode, owner: args.owner, group: args.group };
}
async function checkCertificate(args, ctx) {
  const request = requestOf(args);
  const selfSigned = args.ca_cert_path === void 0;
  const current = await readHostFile(ctx.facts, args.path);
  if (current.state.exists && selfSigned && !args.force) {
    const plan = await planRegularFile(fileMeta(args), ctx);
    const note = current.content ? await selfSignedWarnings(current.content, args, request, ctx) : void 0;
    return { ...plan, message: plan.message ?? note, data: { ...plan.data, issue: false } };
  }
  const key = contentOrPending(await readHostFile(ctx.facts, args.private_key_path), "private key", ctx.user, ctx.dryRun);
  const ca = selfSigned ? void 0 : contentOrPending(await readHostFile(ctx.facts, args.ca_cert_path), "CA certificate", ctx.user, ctx.dryRun);
  if (!selfSigned) {
    const caKey = await ctx.facts.path(args.ca_key_path);
    if (!caKey.exists)
      throw new Error(`CA key ${args.ca_key_path} does not exist`);
  }
  const unknown = [key === void 0 && args.private_key_path, !selfSigned && ca === void 0 && args.ca_cert_path].filter(Boolean);
  if (unknown.length > 0) {
    return issuePlan(args, ctx, `would issue (${unknown.join(" and ")} written earlier in this run)`);
  }
  const existing = current.state.exists ? contentOrPending(current, "certificate", ctx.user, ctx.dryRun) : void 0;
  const caFirst = ca === void 0 ? void 0 : pemCertificates(ca.toString())[0];
  if (ca !== void 0 && !caFirst)
    throw new Error(`${args.ca_cert_path} holds no PEM certificate`);
  let reason;
  if (!current.state.exists)
    reason = "create";
  else if (existing === void 0)
    reason = "would reissue (certificate replaced earlier in this run)";
  else if (args.force)
    reason = "reissue: force";
  else {
    const [leaf] = pemCertificates(existing.toString());
    const verdict = leaf ? certificateVerdict(leaf, key, caFirst, request, { caPath: args.ca_cert_path }) : { keep: false, reason: "no PEM certificate in the file" };
    if (verdict.keep) {
      const content = Buffer.from(leaf + (args.append_ca ? caFirst : ""));
      const plan = await planRegularFile({ ...fileMeta(args), content }, ctx);
      const message = plan.data.writeContent ? args.append_ca ? "rewrite leaf + CA bundle" : "rewrite without the CA bundle" : plan.message;
      return { ...plan, message: plan.changed ? message : void 0, data: { ...plan.data, issue: false } };
    }
    reason = `reissue: ${verdict.reason}`;
  }
  return issuePlan(args, ctx, reason);
}
async function issuePlan(args, ctx, message) {
  const plan = await planGeneratedFile(fileMeta(args), ctx, message, false);
  return { ...plan, data: { ...plan.data, issue: true } };
}
async function selfSignedWarnings(content, args, request, ctx) {
  const key = await readHostFile(ctx.facts, args.private_key_path);
  if (!key.content)
    return void 0;
  const [leaf] = pemCertificates(content.toString());
  if (!leaf)
    return `kept, but ${args.path} holds no PEM certificate (force: true replaces it)`;
  const verdict = certificateVerdict(leaf, key.content, void 0, request);
  return verdict.keep ? void 0 : `kept (self-signed certificates are never reissued without force): ${verdict.reason}`;
}
async function signNow(args, ctx) {
  const keyPem = contentOrPending(await readHostFile(ctx.facts, args.private_key_path), "private key", ctx.user, false);
  if (args.ca_cert_path === void 0) {
    return Buffer.from(issueCertificate({ request: requestOf(args), keyPem, keyPath: args.private_key_path }));
  }
  const caCertPem = contentOrPending(await readHostFile(ctx.facts, args.ca_cert_path), "CA certificate", ctx.user, false).toString();
  const caKeyPem = contentOrPending(await readHostFile(ctx.facts, args.ca_key_path), "CA key", ctx.user, false);
  const caFirst = pemCertificates(caCertPem)[0];
  if (!caFirst)
    throw new Error(`${args.ca_cert_path} holds no PEM certificate`);
  const leaf = issueCertificate({ request: requestOf(args), keyPem, keyPath: args.private_key_path, caCertPem: caFirst, caKeyPem, caKeyPath: args.ca_key_path });
  return Buffer.from(leaf + (args.append_ca ? caFirst : ""));
}

// dist/lib/util/words.js
function splitWords(text) {
  const words = [];
  let word = "";
  let inWord = false;
  let quote;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote)
        quote = void 0;
      else if (c === "\\" && quote === '"' && (text[i + 1] === '"' || text[i + 1] === "\\"))
        word += text[++i];
      else
        word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord)
        words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote)
    throw new Error(`unterminated ${quote} quote in: ${text}`);
  if (inWord)
    words.push(word);
  return words;
}

// dist/lib/modules/command.js
var commandArgs = {
  cmd: { type: "str" },
  argv: { type: "list", elements: "str" },
  creates: { type: "path" },
  removes: { type: "path" },
  chdir: { type: "path" },
  stdin: { type: "str" }
};
function commandModule(name, toShell) {
  return {
    name,
    description: name === "shell" ? "A shell command line, guarded by creates/removes." : "A program with arguments (no shell), guarded by creates/removes.",
    example: name === "shell" ? `- name: Initialise the data directory once
  shell: ./init.sh > init.log 2>&1
  args:
    chdir: /srv/app
    creates: /srv/app/data/initialised
` : `- name: Kernel version (read-only)
  command: uname -r
  register: kernel
  changed_when: false
`,
    freeForm: true,
    args: name === "shell" ? { cmd: commandArgs.cmd, creates: commandArgs.creates, removes: commandArgs.removes, chdir: commandArgs.chdir, stdin: commandArgs.stdin, executable: { type: "path" } } : commandArgs,
    validate: (args) => {
      const given = [args._raw_params, args.cmd, args.argv].filter((v) => v !== void 0 && v !== "").length;
      return given === 0 ? `${name} needs a command` : given > 1 ? `${name} takes one of the free-form text, 'cmd' or 'argv'` : void 0;
    },
    prefetch: (args) => [args.creates, args.removes].filter((p) => p !== void 0).map((p) => pathFact(guardPath(p, args.chdir))),
    check: (args, ctx) => checkGuards(args, ctx, toShell(args)),
    async apply(args, _check, ctx) {
      const line = toShell(args);
      const result = await ctx.transport.exec(line, { ...ctx.privilege, cwd: args.chdir, stdin: args.stdin, maxOutput: MAX_KEPT_OUTPUT });
      const stdout = result.stdout.toString().replace(/\n$/, "");
      const stderr = result.stderr.toString().replace(/\n$/, "");
      const failed = result.code !== 0;
      const truncated = result.dropped ? `output truncated: ${describeDropped(result.dropped)} past ${MAX_KEPT_OUTPUT / MIB} MiB per stream not kept` : void 0;
      const message = [failed ? `exit ${result.code}: ${stderr || stdout}`.slice(0, 2e3) : void 0, truncated].filter(Boolean).join("; ");
      return {
        changed: true,
        failed,
        message: message || void 0,
        result: {
          cmd: line,
          rc: result.code,
          stdout,
          stderr,
          stdout_lines: lines(stdout),
          stderr_lines: lines(stderr),
          msg: failed ? "non-zero return code" : "",
          ...result.dropped ? { truncated: true, stdout_dropped_bytes: result.dropped.stdout, stderr_dropped_bytes: result.dropped.stderr } : {}
        }
      };
    }
  };
}
var MIB = 1024 * 1024;
var MAX_KEPT_OUTPUT = 10 * MIB;
function describeDropped(dropped) {
  return ["stdout", "stderr"].filter((s) => dropped[s] > 0).map((s) => `${dropped[s]} bytes of ${s}`).join(" and ");
}
function lines(text) {
  return text === "" ? [] : text.split("\n");
}
function guardPath(path3, chdir) {
  return path3.startsWith("/") || !chdir ? path3 : `${chdir.replace(/\/$/, "")}/${path3}`;
}
async function checkGuards(args, ctx, line) {
  if (args.creates !== void 0 && (await ctx.facts.path(guardPath(args.creates, args.chdir))).exists) {
    return { changed: false, message: `skipped, since ${args.creates} exists`, result: { rc: 0, stdout: "", stderr: "", stdout_lines: [], stderr_lines: [], cmd: line } };
  }
  if (args.removes !== void 0 && !(await ctx.facts.path(guardPath(args.removes, args.chdir))).exists) {
    return { changed: false, message: `skipped, since ${args.removes} does not exist`, result: { rc: 0, stdout: "", stderr: "", stdout_lines: [], stderr_lines: [], cmd: line } };
  }
  return {
    changed: true,
    message: ctx.dryRun ? `would run: ${line}` : void 0,
    invalidatesFacts: true,
    result: { cmd: line }
  };
}
var command = commandModule("command", (args) => args.argv ? shellCommand(args.argv) : shellCommand(splitWords(args.cmd ?? args._raw_params ?? "")));
var shell = commandModule("shell", (args) => {
  const text = args.cmd ?? args._raw_params ?? "";
  return args.executable ? `${shellQuote(args.executable)} -c ${shellQuote(text)}` : text;
});

// dist/lib/modules/copy_from_host.js
var copyFromHost = {
  name: "copy_from_host",
  description: "A file copied from another inventory host, with the source's owner and mode, relayed through runbook's memory.",
  example: `- name: CA certificate from the first master
  copy_from_host:
    from_host: master01
    src: /etc/kubernetes/pki/ca.crt
    dest: /etc/kubernetes/pki/ca.crt
`,
  args: {
    from_host: { type: "str", required: true },
    src: { type: "path", absolute: true, required: true },
    dest: { type: "path", absolute: true },
    ...fileMetadataArgs()
  },
  prefetch: (args) => writeFacts(args.dest ?? args.src, args),
  async check(args, ctx) {
    const dest = args.dest ?? args.src;
    const source = await readHostFile(sourceFacts(args.from_host, ctx), args.src);
    if (!source.state.exists) {
      throw new Error(`${args.src} does not exist on ${args.from_host} (and no earlier task of this run creates it)`);
    }
    const content = contentOrPending(source, "source file", ctx.user, ctx.dryRun, args.from_host);
    const desired = {
      path: dest,
      content,
      mode: args.mode ?? source.state.mode,
      owner: args.owner ?? source.state.owner,
      group: args.group ?? source.state.group
    };
    const secret = ctx.noLog || isSecretMode(source.state.mode);
    const plan = await planRegularFile(desired, { ...ctx, noLog: secret });
    if (content === void 0) {
      return {
        ...plan,
        changed: true,
        message: `would copy ${args.from_host}:${args.src} (written earlier in this run)`,
        predicted: [{ path: dest, exists: true, type: "file", mode: plan.result?.mode, owner: plan.result?.owner, group: plan.result?.group }],
        data: { ...plan.data, writeContent: true, sourcePending: true }
      };
    }
    const origin = `${args.from_host}:${args.src}`;
    return {
      ...plan,
      message: plan.changed ? `from ${origin}: ${plan.message}` : void 0,
      result: { ...plan.result, from_host: args.from_host, src: args.src },
      data: { ...plan.data, sourcePending: false }
    };
  },
  async apply(args, check, ctx) {
    const plan = check.data;
    if (plan.sourcePending) {
      const source = await readHostFile(sourceFacts(args.from_host, ctx), args.src);
      const content = contentOrPending(source, "source file", ctx.user, false, args.from_host);
      plan.desired.content = content;
      plan.contents.set(plan.desired.path, content);
    }
    applyRegularFile(plan, ctx);
    return { changed: true };
  }
};
function sourceFacts(host, ctx) {
  const hostvars = ctx.vars.hostvars;
  if (hostvars && typeof hostvars === "object" && !(host in hostvars)) {
    throw new Error(`from_host '${host}' is not in the inventory`);
  }
  return ctx.factsOf(host);
}

// dist/lib/modules/copy.js
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { createHash as createHash2 } from "node:crypto";

// dist/lib/playbook/files.js
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
function resolveSourceFile(baseDir, kind, src) {
  return sourceFileCandidates(baseDir, kind, src).find((candidate) => existsSync(candidate));
}
function sourceFileCandidates(baseDir, kind, src) {
  if (isAbsolute(src))
    return [src];
  return [join(baseDir, kind === "template" ? "templates" : "files", src), join(baseDir, src)];
}

// dist/lib/modules/copy.js
var copy = {
  name: "copy",
  description: "A file with the given content (inline or from files/), owner and mode.",
  example: `- name: Greeting file
  copy:
    dest: /etc/motd
    content: "Welcome to {{ inventory_hostname }}\\n"
    owner: root
    group: root
    mode: '0644'
`,
  args: {
    dest: { type: "path", absolute: true, required: true },
    content: { type: "str", noLog: false },
    src: { type: "path" },
    ...fileMetadataArgs()
  },
  validate: (args) => args.content === void 0 && args.src === void 0 ? "copy needs 'content' or 'src'" : args.content !== void 0 && args.src !== void 0 ? "copy takes 'content' or 'src', not both" : void 0,
  prefetch: (args) => writeFacts(args.dest, args),
  preflight(args, ctx) {
    if (args.content === void 0)
      sourceFile(args, ctx.baseDir);
  },
  async check(args, ctx) {
    const source = await sourceContent(args, ctx.baseDir);
    const given = "stream" in source ? { source: source.stream } : { content: source.data };
    return planRegularFile({ path: args.dest, ...given, mode: args.mode, owner: args.owner, group: args.group }, "vaulted" in source && source.vaulted ? { ...ctx, noLog: true } : ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data, ctx);
    return { changed: true };
  }
};
var STREAM_THRESHOLD = 1024 * 1024;
async function sourceContent(args, baseDir) {
  if (args.content !== void 0)
    return { data: Buffer.from(args.content), vaulted: false };
  const file2 = sourceFile(args, baseDir);
  if (statSync(file2).size <= STREAM_THRESHOLD || isVaultText(head(file2)))
    return readMaybeVaultFile(file2);
  return { stream: await streamedFile(file2) };
}
function head(file2) {
  const fd = openSync(file2, "r");
  try {
    const buffer = Buffer.alloc(64);
    return buffer.subarray(0, readSync(fd, buffer, 0, 64, 0));
  } finally {
    closeSync(fd);
  }
}
function sourceFile(args, baseDir) {
  const file2 = resolveSourceFile(baseDir, "copy", args.src);
  if (!file2)
    throw new Error(`src file '${args.src}' not found in ${baseDir}/files or ${baseDir}`);
  return file2;
}
var streamedFiles = /* @__PURE__ */ new Map();
function streamedFile(file2) {
  const { size: size2, mtimeMs } = statSync(file2);
  const key = `${file2}\0${size2}\0${mtimeMs}`;
  let source = streamedFiles.get(key);
  if (!source) {
    source = new Promise((resolve2, reject) => {
      const hash = createHash2("sha256");
      let seen = 0;
      createReadStream(file2).on("data", (chunk) => {
        hash.update(chunk);
        seen += chunk.length;
      }).on("error", reject).on("end", () => resolve2({ size: seen, sha256: hash.digest("hex"), open: () => createReadStream(file2) }));
    });
    streamedFiles.set(key, source);
  }
  return source;
}

// dist/lib/modules/file.js
import { posix as posix3 } from "node:path";
var file = {
  name: "file",
  description: "Directories, empty files, links, absence; owner and mode of any path.",
  example: `- name: Application directory
  file:
    path: /srv/app
    state: directory
    mode: '0755'
`,
  args: {
    path: { type: "path", absolute: true, required: true, aliases: ["dest", "name"] },
    state: { type: "str", choices: ["directory", "file", "absent", "link", "touch"] },
    ...fileMetadataArgs(),
    src: { type: "path" }
  },
  validate: (args) => args.state === "link" && !args.src ? "state=link needs 'src'" : void 0,
  prefetch: (args) => [pathFact(args.path), pathFact(posix3.dirname(args.path))],
  async check(args, ctx) {
    const current = await ctx.facts.path(args.path);
    const state = args.state ?? (current.exists && current.type === "directory" ? "directory" : "file");
    switch (state) {
      case "absent":
        return current.exists ? { changed: true, message: `remove ${current.type}`, predicted: [{ path: args.path, exists: false }], diff: ctx.diff ? [{ path: args.path, secret: true, before: snapshot(current), after: { exists: false } }] : [], data: { action: "remove", args, isLink: false } } : { changed: false, data: { action: "none", args, isLink: false } };
      case "file":
        if (!current.exists)
          throw new Error(`${args.path} does not exist (use state=touch to create it)`);
        return planRegularFile({ path: args.path, mode: args.mode, owner: args.owner, group: args.group }, ctx).then((plan) => ({ ...plan, data: { action: "metadata", args, isLink: false } }));
      case "touch":
        if (current.exists)
          return planMetadata(current, args, ctx, current.type === "link");
        return planRegularFile({ path: args.path, content: Buffer.alloc(0), mode: args.mode, owner: args.owner, group: args.group }, ctx).then((plan) => ({ ...plan, data: { action: "touch", args, isLink: false } }));
      case "directory":
        if (current.exists && current.type !== "directory")
          throw new Error(`${args.path} exists and is a ${current.type}, not a directory`);
        if (current.exists)
          return planMetadata(current, args, ctx, false);
        return planCreation(current, { path: args.path, exists: true, type: "directory", mode: args.mode ?? "0755", owner: args.owner ?? ctx.user, group: args.group ?? ctx.user }, "mkdir", args);
      case "link": {
        if (current.exists && current.type === "link" && current.linkTarget === args.src)
          return planMetadata(current, args, ctx, true);
        if (current.exists && current.type === "directory")
          throw new Error(`${args.path} is a directory; refusing to replace it with a link`);
        return planCreation(current, { path: args.path, exists: true, type: "link", linkTarget: args.src, mode: "0777", owner: args.owner ?? ctx.user, group: args.group ?? ctx.user }, "link", args);
      }
    }
  },
  async apply(_args, check, ctx) {
    const { action, args, isLink } = check.data;
    const path3 = shellQuote(args.path);
    switch (action) {
      case "remove":
        queueChange(ctx, `rm -rf -- ${path3}`);
        break;
      case "mkdir":
        queueChange(ctx, `mkdir -p -- ${path3}`);
        setMetadata(args.path, { mode: args.mode ?? "0755", owner: args.owner, group: args.group }, ctx, false);
        break;
      case "link": {
        const temp = shellQuote(`${args.path}.runbook-link`);
        queueChange(ctx, `ln -sfn -- ${shellQuote(args.src)} ${temp} && mv -fT -- ${temp} ${path3}`);
        setMetadata(args.path, { owner: args.owner, group: args.group }, ctx, true);
        break;
      }
      case "touch":
        applyRegularFile({ desired: { path: args.path, content: Buffer.alloc(0), mode: args.mode, owner: args.owner, group: args.group }, writeContent: true, contents: /* @__PURE__ */ new Map() }, ctx);
        break;
      case "metadata":
        setMetadata(args.path, args, ctx, isLink);
        break;
    }
    return { changed: true };
  }
};
function planMetadata(current, args, ctx, isLink) {
  const after = { ...current, mode: isLink ? current.mode : args.mode ?? current.mode, owner: args.owner ?? current.owner, group: args.group ?? current.group };
  const changes = describeChanges(current, after, false);
  return {
    changed: changes.length > 0,
    message: changes.join(", ") || void 0,
    predicted: changes.length > 0 ? [after] : void 0,
    diff: changes.length > 0 && ctx.diff ? [{ path: args.path, secret: true, before: snapshot(current), after: snapshot(after) }] : [],
    result: { path: args.path, state: current.type, mode: after.mode, owner: after.owner, group: after.group },
    data: { action: changes.length > 0 ? "metadata" : "none", args, isLink }
  };
}
function planCreation(current, after, action, args) {
  return {
    changed: true,
    message: describeChanges(current, after, false).join(", ") + (after.linkTarget ? ` \u2192 ${after.linkTarget}` : ""),
    predicted: [after],
    result: { path: args.path, state: after.type, mode: after.mode },
    data: { action, args, isLink: action === "link" }
  };
}

// dist/lib/modules/include_role.js
var includeRole = {
  name: "include_role",
  description: "A role loaded when a host reaches this task (per loop item), its tasks run next.",
  example: `- name: The web server's TLS part only, where TLS is wanted
  include_role:
    name: webserver
    tasks_from: tls
  when: tls_enabled | default(false)
`,
  args: {
    name: { type: "str", required: true },
    tasks_from: { type: "str" },
    vars_from: { type: "str" },
    defaults_from: { type: "str" },
    handlers_from: { type: "str" },
    vars: { type: "dict" },
    apply: { type: "dict" },
    public: { type: "bool" },
    allow_duplicates: { type: "bool" },
    rolespec_validate: { type: "bool" }
  },
  async check() {
    throw new Error("include_role is carried out by the engine");
  },
  async apply() {
    throw new Error("include_role is carried out by the engine");
  }
};

// dist/lib/modules/include_tasks.js
var includeTasks = {
  name: "include_tasks",
  aliases: ["include"],
  description: "The tasks of a file, loaded when a host reaches this task (per loop item), run next.",
  example: `- name: One user's accounts and keys, per user
  include_tasks: user.yml
  loop: "{{ users | default([]) }}"
  loop_control:
    loop_var: user
`,
  freeForm: true,
  args: {
    file: { type: "str" },
    apply: { type: "dict" }
  },
  validate: (args) => {
    const given = [args._raw_params, args.file].filter((v) => v !== void 0 && v !== "").length;
    return given === 0 ? "include_tasks needs a file" : given > 1 ? "include_tasks takes the file once, free-form or as 'file'" : void 0;
  },
  async check() {
    throw new Error("include_tasks is carried out by the engine");
  },
  async apply() {
    throw new Error("include_tasks is carried out by the engine");
  }
};

// dist/lib/modules/kubernetes_namespace.js
function kubectl(args) {
  return `kubectl --kubeconfig ${shellQuote(args.kubeconfig)}`;
}
function getNamespaceQuery(args) {
  return commandFact(["kubectl", "--kubeconfig", args.kubeconfig, "get", "namespace", args.name, "-o", "name"]);
}
var kubernetesNamespace = {
  name: "kubernetes_namespace",
  description: "A Kubernetes namespace exists (kubectl create namespace), checked with kubectl get.",
  example: `- name: Namespace for the application
  kubernetes_namespace:
    name: apps
    kubeconfig: /etc/kubernetes/admin.conf
`,
  args: {
    name: { type: "str", required: true },
    kubeconfig: { type: "path", absolute: true, default: "/etc/kubernetes/admin.conf" }
  },
  validate: (args) => typeof args.name !== "string" || args.name.includes("{{") || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(args.name) && args.name.length <= 63 ? void 0 : `'${args.name}' is not a valid namespace name (RFC 1123 label)`,
  prefetch: (args) => [getNamespaceQuery(args)],
  async check(args, ctx) {
    const answer = await ctx.facts.get(getNamespaceQuery(args));
    if (answer.code === 0)
      return { changed: false, message: `namespace ${args.name} exists`, result: { name: args.name } };
    const output = `${answer.stderr.toString()}${answer.stdout.toString()}`.trim();
    const notFound = /NotFound|not found/.test(output);
    const why = notFound || !output ? "" : ` (API not available now: ${output.split("\n")[0].slice(0, 160)})`;
    return { changed: true, message: `${ctx.dryRun ? "would create" : "create"} namespace ${args.name}${why}`, result: { name: args.name } };
  },
  async apply(args, _check, ctx) {
    const result = await ctx.transport.exec(`${kubectl(args)} create namespace ${shellQuote(args.name)}`, ctx.privilege);
    const output = `${result.stderr.toString()}${result.stdout.toString()}`.trim();
    if (result.code === 0)
      return { changed: true, message: `created namespace ${args.name}` };
    if (/AlreadyExists|already exists/.test(output))
      return { changed: false, message: `namespace ${args.name} exists` };
    return { changed: false, failed: true, message: `kubectl create namespace ${args.name} failed (exit ${result.code}): ${output.slice(0, 2e3)}` };
  }
};

// dist/lib/modules/meta.js
var META_ACTIONS = ["flush_handlers", "end_play", "end_host", "noop"];
var meta = {
  name: "meta",
  description: "Play control: run notified handlers now, end the play or this host's play, or nothing.",
  example: `- name: Restart services changed so far, before the checks below
  meta: flush_handlers
`,
  freeForm: true,
  args: {},
  validate: (args) => {
    const action = args._raw_params;
    if (action === void 0 || action === "")
      return `meta needs an action (${META_ACTIONS.join(", ")})`;
    if (!META_ACTIONS.includes(action))
      return `meta '${action}' is not supported (supported: ${META_ACTIONS.join(", ")})`;
    return void 0;
  },
  async check() {
    throw new Error("meta tasks are carried out by the engine");
  },
  async apply() {
    throw new Error("meta tasks are carried out by the engine");
  }
};

// dist/lib/modules/private-key.js
import { posix as posix4 } from "node:path";
var privateKey = {
  name: "private_key",
  aliases: ["openssl_privatekey"],
  description: "An RSA private key generated on first run (and its public key), never replaced unless forced.",
  example: `- name: Service account key
  private_key:
    path: /etc/kubernetes/pki/sa.key
    size: 2048
    public_key_path: /etc/kubernetes/pki/sa.pub
`,
  args: {
    path: { type: "path", absolute: true, required: true },
    size: { type: "int", default: 2048 },
    ...fileMetadataArgs("0600"),
    force: { type: "bool", default: false, description: "Generate a new key on every run, replacing the existing one." },
    public_key_path: { type: "path", absolute: true },
    public_key_mode: { type: "mode", default: "0644" }
  },
  validate: (args) => typeof args.size === "number" && (args.size < 1024 || args.size > 16384) ? `size ${args.size} is out of range (1024..16384)` : args.public_key_path !== void 0 && args.public_key_path === args.path ? "'public_key_path' must differ from 'path'" : void 0,
  // The key is read (for its public half) only when a public key path is asked for.
  prefetch: (args) => [...args.public_key_path ? [...fileReadRequests(args.path), pathFact(args.public_key_path), pathFact(posix4.dirname(args.public_key_path))] : [pathFact(args.path)], pathFact(posix4.dirname(args.path))],
  async check(args, ctx) {
    const contents = /* @__PURE__ */ new Map();
    const current = await ctx.facts.path(args.path);
    const generate = !current.exists || args.force;
    const meta2 = { path: args.path, mode: args.mode, owner: args.owner, group: args.group };
    const verb = ctx.dryRun ? "would generate" : "generate";
    const keyCheck = generate ? await planGeneratedFile(meta2, ctx, `${verb} RSA ${args.size} key${current.exists ? " (force: replaces the existing key)" : ""}`, true) : await planRegularFile(meta2, { ...ctx, noLog: true });
    const key = part(keyCheck, generate, contents);
    let publicCheck;
    let publicKey;
    if (args.public_key_path) {
      const pubMeta = { path: args.public_key_path, mode: args.public_key_mode, owner: args.owner, group: args.group };
      const keyPem = generate ? void 0 : contentOrPending(await readHostFile(ctx.facts, args.path), "private key", ctx.user, ctx.dryRun);
      publicCheck = keyPem ? await planRegularFile({ ...pubMeta, content: publicKeyPemOf(keyPem, args.path) }, ctx) : await planGeneratedFile(pubMeta, ctx, `${ctx.dryRun ? "would write" : "write"} public key ${args.public_key_path}`, false);
      publicKey = part(publicCheck, keyPem === void 0, contents);
    }
    const checks = [keyCheck, publicCheck].filter((c) => c !== void 0 && c.changed);
    const messages = checks.map((c) => c === publicCheck && !publicKey.generate ? `${args.public_key_path}: ${c.message}` : c.message);
    return {
      changed: checks.length > 0,
      message: messages.join("; ") || void 0,
      diff: checks.flatMap((c) => c.diff ?? []),
      predicted: checks.flatMap((c) => c.predicted ?? []),
      result: { path: args.path, size: args.size, mode: keyCheck.result?.mode, owner: keyCheck.result?.owner, group: keyCheck.result?.group, public_key_path: args.public_key_path },
      data: { key, publicKey, contents }
    };
  },
  async apply(args, check, ctx) {
    const { key, publicKey, contents } = check.data;
    let keyPem;
    if (key.generate) {
      keyPem = generateRsaPrivateKeyPem(args.size);
      fill(key, args.path, keyPem, contents);
    }
    if (key.changed)
      applyRegularFile(key, ctx);
    if (publicKey?.changed) {
      if (publicKey.generate)
        fill(publicKey, args.public_key_path, publicKeyPemOf(keyPem ?? await readKey(args, ctx), args.path), contents);
      applyRegularFile(publicKey, ctx);
    }
    return { changed: true };
  }
};
function part(check, generate, contents) {
  for (const [path3, content] of check.data.contents)
    contents.set(path3, content);
  return { ...check.data, contents, changed: check.changed, generate };
}
function fill(plan, path3, content, contents) {
  plan.desired.content = content;
  contents.set(path3, content);
}
async function readKey(args, ctx) {
  return contentOrPending(await readHostFile(ctx.facts, args.path), "private key", ctx.user, false);
}

// dist/lib/modules/registry.js
var ModuleRegistry = class {
  byName = /* @__PURE__ */ new Map();
  constructor(modules) {
    for (const module of modules) {
      for (const name of [module.name, `ansible.builtin.${module.name}`, ...module.aliases ?? []]) {
        this.byName.set(name, module);
      }
    }
  }
  get(name) {
    return this.byName.get(name);
  }
  /** Each module once, in registration order (for `runbook doc`). */
  modules() {
    return [...new Set(this.byName.values())];
  }
  /** Every name a task may use, for "did you mean" hints. */
  names() {
    return [...this.byName.keys()];
  }
};

// dist/lib/facts/gathered.js
var SUBSETS = ["all", "min", "hardware", "network", "virtual", "facter", "ohai"];
var PARTS = { min: ["platform", "distribution", "env", "user", "date_time", "lsb", "pkg_mgr", "service_mgr", "dns"], hardware: ["hardware"], network: ["network"] };
function subsetParts(subset) {
  const include = /* @__PURE__ */ new Set();
  const exclude = /* @__PURE__ */ new Set();
  for (const raw of subset.length > 0 ? subset : ["all"]) {
    const name = raw.trim();
    const bare = name.replace(/^!/, "");
    if (!SUBSETS.includes(bare) && !PARTS.min.includes(bare))
      throw new Error(`unknown gather_subset '${name}'`);
    (name.startsWith("!") ? exclude : include).add(bare);
  }
  if (include.size === 0)
    include.add("all");
  const wants = (name) => !exclude.has(name) && !exclude.has("all") && (include.has("all") || include.has(name));
  const parts = [...PARTS.min, ...wants("hardware") ? PARTS.hardware : [], ...wants("network") ? PARTS.network : []];
  const names = [...include].sort().concat([...exclude].sort().map((n) => `!${n}`));
  return { parts, names };
}
var SCRIPT = {
  platform: `echo @platform; cat /proc/sys/kernel/hostname /proc/sys/kernel/osrelease /proc/sys/kernel/version; uname -m; uname -s
echo @fqdn; n=$(cat /proc/sys/kernel/hostname); set -- $(getent ahosts "$n"); [ -n "$1" ] && getent hosts "$1"`,
  distribution: `echo @os-release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
echo @debian_version; cat /etc/debian_version 2>/dev/null`,
  lsb: `echo @lsb; command -v lsb_release >/dev/null && echo lsb_release; [ -r /etc/lsb-release ] && echo lsb-release
echo @lsb-release; [ -r /etc/lsb-release ] && cat /etc/lsb-release; true`,
  env: `echo @env; env -u LC_ALL | sed 's/^/=/'`,
  user: `echo @user; printf '%s\\n' "\${LOGNAME:-\${USER:-}}"; id -u; id -g; getent passwd "\${LOGNAME:-\${USER:-$(id -un)}}"`,
  date_time: `echo @date; date '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z'; TZ=UTC0 date -d "@$(date +%s)" '+%Y-%m-%dT%H:%M:%S' 2>/dev/null; echo; echo @tzdst; date -d '1 Jul' +%Z 2>/dev/null`,
  pkg_mgr: `echo @pkg_mgr; for p in apt-get dnf yum zypper apk pacman; do command -v $p; done; true`,
  service_mgr: `echo @service_mgr; cat /proc/1/comm 2>/dev/null; echo; for d in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do [ -e "$d" ] && echo "canary $d"; done; command -v systemctl >/dev/null && echo systemctl; [ -L /sbin/init ] && echo "init $(readlink /sbin/init)"; [ -e /etc/init.d/ ] && echo initd; true`,
  dns: "",
  hardware: `echo @meminfo; cat /proc/meminfo
echo @cpuinfo; cat /proc/cpuinfo
echo @nproc; nproc`,
  // sysfs read with the shell's own read: one process for the directory order, none per interface.
  network: `echo @interfaces; n=$(ls -U /sys/class/net); printf '%s\\n' $n; for i in $n; do a= m= t=; read -r a </sys/class/net/$i/address; read -r m </sys/class/net/$i/mtu; read -r t </sys/class/net/$i/type; printf '%s|%s|%s|%s\\n' "$i" "$a" "$m" "$t"; done 2>/dev/null
echo @route; ip -4 route get 8.8.8.8 2>/dev/null
echo @addr; for i in $n; do ip -4 addr show primary dev "$i" 2>/dev/null | while IFS= read -r l; do echo "$i $l"; done; ip -4 addr show secondary dev "$i" 2>/dev/null | while IFS= read -r l; do echo "$i+ $l"; done; done`
};
var INTERFACE_TYPE = { "1": "ether", "32": "infiniband", "512": "ppp", "772": "loopback", "65534": "tunnel" };
var gatheredKind = {
  name: "gathered",
  key: (subset) => subset,
  stable: true,
  sections: (subsets) => subsets.map((subset) => ({
    tool: "setup",
    script: subsetParts(subset.split(",")).parts.map((part2) => SCRIPT[part2]).filter(Boolean).join("\n")
  })),
  parse: (outputs, subsets) => subsets.map((subset, i) => {
    const output = outputs[i];
    if (output.code !== 0 && output.stdout.length === 0)
      throw new FactError("setup", excerpt(output));
    return collect(blocks(output.stdout.toString("utf8")), subsetParts(subset.split(",")));
  })
};
function gatheredFact(subset = ["all"]) {
  subsetParts(subset);
  return { kind: gatheredKind, param: subset.map((s) => s.trim()).join(",") };
}
function blocks(text) {
  const found = /* @__PURE__ */ new Map();
  let current;
  for (const line of text.split("\n")) {
    const marker = /^@([a-z_.-]+)$/.exec(line);
    if (marker)
      found.set(marker[1], current = []);
    else
      current?.push(line);
  }
  for (const lines2 of found.values())
    while (lines2.length > 0 && lines2[lines2.length - 1] === "")
      lines2.pop();
  return found;
}
function keyValues(lines2 = [], separator = "=") {
  const map = /* @__PURE__ */ new Map();
  for (const line of lines2) {
    const at = line.indexOf(separator);
    if (at > 0)
      map.set(line.slice(0, at).trim(), line.slice(at + separator.length).trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1"));
  }
  return map;
}
function collect(found, subset) {
  const facts = { gather_subset: subset.names };
  const has = (part2) => subset.parts.includes(part2);
  if (has("platform"))
    Object.assign(facts, platform(found));
  if (has("distribution"))
    Object.assign(facts, distribution(found));
  if (has("lsb"))
    Object.assign(facts, lsb(found));
  if (has("env"))
    facts.env = env(found.get("env") ?? []);
  if (has("user"))
    Object.assign(facts, user(found));
  if (has("date_time"))
    facts.date_time = dateTime(found);
  if (has("pkg_mgr"))
    facts.pkg_mgr = pkgMgr(found.get("pkg_mgr") ?? []);
  if (has("service_mgr"))
    facts.service_mgr = serviceMgr(found.get("service_mgr") ?? []);
  if (has("hardware"))
    Object.assign(facts, hardware(found));
  if (has("network"))
    Object.assign(facts, network(found));
  return Object.fromEntries(Object.entries(facts).map(([name, value]) => [`ansible_${name}`, value]));
}
function platform(found) {
  const [nodename = "", kernel = "", kernelVersion = "", machine = "", system = ""] = found.get("platform") ?? [];
  if (!nodename || !system)
    throw new FactError("setup", "the host did not say its name and kernel (/proc/sys/kernel, uname)");
  const [address, canonical, ...aliases] = (found.get("fqdn")?.[0] ?? "").split(/\s+/).filter(Boolean);
  const fqdn = address ? [canonical, ...aliases].find((n) => n.includes(".")) ?? canonical : nodename;
  return {
    system,
    kernel,
    kernel_version: kernelVersion,
    machine,
    architecture: machine,
    userspace_architecture: machine,
    nodename,
    hostname: nodename.split(".")[0],
    fqdn,
    domain: fqdn.includes(".") ? fqdn.slice(fqdn.indexOf(".") + 1) : ""
  };
}
var DISTRIBUTIONS = {
  debian: ["Debian", "Debian"],
  ubuntu: ["Ubuntu", "Debian"],
  linuxmint: ["Linux Mint", "Debian"],
  raspbian: ["Debian", "Debian"],
  centos: ["CentOS", "RedHat"],
  rhel: ["RedHat", "RedHat"],
  fedora: ["Fedora", "RedHat"],
  rocky: ["Rocky", "RedHat"],
  almalinux: ["AlmaLinux", "RedHat"],
  amzn: ["Amazon", "RedHat"],
  alpine: ["Alpine", "Alpine"],
  arch: ["Archlinux", "Archlinux"],
  opensuse: ["openSUSE", "Suse"],
  sles: ["SLES", "Suse"]
};
function distribution(found) {
  const release = keyValues(found.get("os-release"));
  const id = release.get("ID") ?? "";
  const [name, family] = DISTRIBUTIONS[id] ?? [release.get("NAME") ?? "NA", release.get("NAME") ?? "NA"];
  let version = release.get("VERSION_ID") ?? "NA";
  const debianVersion = found.get("debian_version")?.[0]?.trim();
  if (id === "debian" && debianVersion && /^\d+(\.\d+)*$/.test(debianVersion))
    version = debianVersion;
  const facts = {
    distribution: name,
    distribution_version: version,
    distribution_major_version: version.split(".")[0],
    distribution_release: release.get("VERSION_CODENAME") ?? "NA",
    os_family: family
  };
  if (version.includes("."))
    facts.distribution_minor_version = version.split(".")[1];
  return facts;
}
function lsb(found) {
  const facts = {};
  const has = found.get("lsb") ?? [];
  if (has.includes("lsb_release") && !has.includes("lsb-release")) {
    const release = keyValues(found.get("os-release"));
    const put = (key, value) => value !== void 0 && value !== "" && (facts[key] = value);
    put("id", release.get("NAME")?.split(" ")[0]);
    put("description", release.get("PRETTY_NAME"));
    put("release", release.get("VERSION_ID"));
    put("codename", release.get("VERSION_CODENAME"));
  } else if (has.includes("lsb-release")) {
    const file2 = keyValues(found.get("lsb-release"));
    const map = { DISTRIB_ID: "id", DISTRIB_RELEASE: "release", DISTRIB_DESCRIPTION: "description", DISTRIB_CODENAME: "codename" };
    for (const [key, value] of file2)
      if (map[key])
        facts[map[key]] = value;
  }
  if (facts.release)
    facts.major_release = facts.release.split(".")[0];
  return { lsb: facts };
}
function env(lines2) {
  const vars = {};
  let last;
  for (const line of lines2) {
    if (line.startsWith("=") && line.indexOf("=", 1) > 1) {
      const at = line.indexOf("=", 1);
      last = line.slice(1, at);
      vars[last] = line.slice(at + 1);
    } else if (last !== void 0)
      vars[last] += `
${line.startsWith("=") ? line.slice(1) : line}`;
  }
  return vars;
}
function user(found) {
  const [login = "", uid = "", gid = "", passwd = ""] = found.get("user") ?? [];
  const entry = passwd.split(":");
  if (entry.length !== 7 || !/^\d+$/.test(uid))
    throw new FactError("setup", `cannot tell the user (id, getent passwd): '${(found.get("user") ?? []).join(" / ")}'`);
  return {
    user_id: login || entry[0],
    user_uid: Number(uid),
    user_gid: Number(gid),
    user_gecos: entry[4],
    user_dir: entry[5],
    user_shell: entry[6],
    real_user_id: Number(uid),
    effective_user_id: Number(uid),
    real_group_id: Number(gid),
    effective_group_id: Number(gid)
  };
}
function dateTime(found) {
  const [local = "", utc = ""] = found.get("date") ?? [];
  const [year, month, weekday, weekdayNumber, weeknumber, day, hour, minute, second, epoch, nanos, tz, offset] = local.split("|");
  if (!epoch || !utc)
    throw new FactError("setup", `date did not answer as GNU date does: '${local}'`);
  const micro = (nanos ?? "000000000").slice(0, 6);
  return {
    year,
    month,
    weekday,
    weekday_number: weekdayNumber,
    weeknumber,
    day,
    hour,
    minute,
    second,
    epoch,
    epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601: `${utc}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz,
    tz_dst: found.get("tzdst")?.[0] || tz,
    tz_offset: offset
  };
}
function pkgMgr(lines2) {
  const names = { "apt-get": "apt", dnf: "dnf", yum: "yum", zypper: "zypper", apk: "apk", pacman: "pacman" };
  for (const line of lines2) {
    const name = line.split("/").pop() ?? "";
    if (names[name])
      return names[name];
  }
  return "unknown";
}
function serviceMgr(lines2) {
  const map = { procd: "openwrt_init", "runit-init": "runit", svscan: "svc", "openrc-init": "openrc" };
  let proc1 = lines2[0]?.trim() || void 0;
  const init = lines2.find((l) => l.startsWith("init "))?.slice(5);
  if (proc1 === void 0 && init)
    proc1 = init;
  if (proc1 !== void 0)
    proc1 = proc1.split("/").pop().trim();
  if (proc1 !== void 0 && (proc1 === "init" || proc1.endsWith("sh")))
    proc1 = void 0;
  if (proc1)
    return map[proc1] ?? proc1;
  if (lines2.includes("systemctl") && lines2.some((l) => l.startsWith("canary ")))
    return "systemd";
  if (init && init.endsWith("systemd"))
    return "systemd";
  if (lines2.includes("initd"))
    return "sysvinit";
  return "service";
}
function hardware(found) {
  const mem = keyValues(found.get("meminfo"), ":");
  const mb = (key) => Math.floor(Number((mem.get(key) ?? "0").split(/\s+/)[0]) / 1024);
  const facts = { memtotal_mb: mb("MemTotal"), memfree_mb: mb("MemFree"), swaptotal_mb: mb("SwapTotal"), swapfree_mb: mb("SwapFree") };
  const sockets = /* @__PURE__ */ new Map();
  const cores = /* @__PURE__ */ new Map();
  let physid = "0";
  let coreid = "0";
  let processors = 0;
  const processor = [];
  for (const line of found.get("cpuinfo") ?? []) {
    const at = line.indexOf(":");
    if (at < 0)
      continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (key === "processor") {
      processors++;
      processor.push(String(processors - 1));
    } else if (key === "vendor_id" || key === "model name")
      processor.push(value);
    else if (key === "physical id") {
      physid = value;
      if (!sockets.has(physid))
        sockets.set(physid, 1);
    } else if (key === "core id") {
      coreid = value;
      if (!sockets.has(coreid))
        cores.set(coreid, 1);
    } else if (key === "cpu cores")
      sockets.set(physid, Number(value));
    else if (key === "siblings")
      cores.set(coreid, Number(value));
  }
  const count = sockets.size > 0 ? sockets.size : processors;
  const perSocket = sockets.size > 0 ? [...sockets.values()][0] || 1 : 1;
  const threads = cores.size > 0 ? Math.floor([...cores.values()][0] / perSocket) : Math.floor(1 / perSocket);
  Object.assign(facts, {
    processor,
    processor_count: count,
    processor_cores: perSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * perSocket,
    processor_nproc: Number(found.get("nproc")?.[0] ?? processors)
  });
  return facts;
}
function ipv4Of(cidr) {
  const [address, prefix = "32"] = cidr.split("/");
  const toNumber = (a) => a.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const toAddress = (n) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
  const mask2 = prefix === "0" ? 0 : 2 ** 32 - 2 ** (32 - Number(prefix));
  const network2 = toNumber(address) - toNumber(address) % 2 ** (32 - Number(prefix));
  return { address, netmask: toAddress(mask2), network: toAddress(prefix === "0" ? 0 : network2), prefix };
}
function network(found) {
  const names = found.get("interfaces")?.filter((l) => !l.includes("|")) ?? [];
  const devices = {};
  for (const line of found.get("interfaces")?.filter((l) => l.includes("|")) ?? []) {
    const [device, mac, mtu, type] = line.split("|");
    const info = { device };
    if (mac && mac !== "00:00:00:00:00:00")
      info.macaddress = mac;
    if (mtu)
      info.mtu = Number(mtu);
    if (type)
      info.type = INTERFACE_TYPE[type] ?? "unknown";
    devices[device] = info;
  }
  const route = (found.get("route")?.[0] ?? "").split(/\s+/).filter(Boolean);
  const defaultV4 = {};
  if (route[0] === "8.8.8.8") {
    for (let i = 0; i < route.length - 1; i++) {
      if (route[i] === "dev")
        defaultV4.interface = route[i + 1];
      else if (route[i] === "src")
        defaultV4.address = route[i + 1];
      else if (route[i] === "via" && route[i + 1] !== "8.8.8.8")
        defaultV4.gateway = route[i + 1];
    }
  }
  const all = [];
  for (const line of found.get("addr") ?? []) {
    const words = line.split(/\s+/).filter(Boolean);
    const device = words[0].replace(/\+$/, "");
    const secondary = words[0].endsWith("+");
    if (words[1] !== "inet")
      continue;
    const ip = { ...ipv4Of(words[2]), broadcast: words[3] === "brd" ? words[4] : "" };
    const entry = { address: ip.address, broadcast: ip.broadcast, netmask: ip.netmask, network: ip.network, prefix: ip.prefix };
    const info = devices[device] ?? (devices[device] = { device });
    if (!secondary && !info.ipv4)
      info.ipv4 = entry;
    else
      (info.ipv4_secondaries ?? (info.ipv4_secondaries = [])).push(entry);
    if (defaultV4.address === ip.address) {
      Object.assign(defaultV4, { broadcast: ip.broadcast, netmask: ip.netmask, network: ip.network, prefix: ip.prefix, macaddress: info.macaddress ?? "unknown", mtu: info.mtu, type: info.type ?? "unknown", alias: words[words.length - 1] });
    }
    if (!ip.address.startsWith("127."))
      all.push(ip.address);
  }
  const facts = { interfaces: names, all_ipv4_addresses: all, default_ipv4: defaultV4 };
  for (const name of names)
    if (devices[name])
      facts[name.replace(/[:-]/g, "_")] = devices[name];
  return facts;
}

// dist/lib/modules/setup.js
function globMatcher(patterns) {
  if (patterns.length === 0)
    return () => true;
  const regexps = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`));
  return (name) => regexps.some((r) => r.test(name) || r.test(name.replace(/^ansible_/, "")));
}
var setup = {
  name: "setup",
  aliases: ["ansible.builtin.setup", "gather_facts", "ansible.builtin.gather_facts"],
  description: "The host's facts (Ansible's names and shapes, common subset) as variables.",
  example: `- name: Facts again after the kernel upgrade
  setup:
`,
  args: {
    gather_subset: { type: "list", elements: "str", default: ["all"] },
    filter: { type: "list", elements: "str", default: [] },
    gather_timeout: { type: "int", default: 10 },
    fact_path: { type: "path", description: "accepted; local facts (facts.d) are not read" }
  },
  validate: (args) => {
    if (!Array.isArray(args.gather_subset) || args.gather_subset.some((s) => typeof s !== "string" || s.includes("{{")))
      return void 0;
    try {
      subsetParts(args.gather_subset);
      return void 0;
    } catch (error) {
      return error.message;
    }
  },
  prefetch: (args) => [gatheredFact(args.gather_subset)],
  async check(args, ctx) {
    const facts = await ctx.facts.get(gatheredFact(args.gather_subset));
    const keep = globMatcher(args.filter);
    return { changed: false, result: { ansible_facts: Object.fromEntries(Object.entries(facts).filter(([name]) => keep(name))) } };
  },
  async apply() {
    return { changed: false };
  }
};

// dist/lib/modules/systemd.js
function planUnit(args, current) {
  const actions = [];
  const after = { ...current };
  if (args.daemon_reload && current.needDaemonReload) {
    actions.push("daemon-reload");
    after.needDaemonReload = false;
    after.loaded = true;
  }
  if (args.enabled === true && !current.enabled)
    actions.push("enable");
  if (args.enabled === false && (current.unitFileState === "enabled" || current.unitFileState === "enabled-runtime"))
    actions.push("disable");
  if (args.enabled !== void 0) {
    after.enabled = args.enabled;
    if (actions.includes("enable") || actions.includes("disable"))
      after.unitFileState = args.enabled ? "enabled" : "disabled";
  }
  switch (args.state) {
    case "started":
      if (!current.active)
        actions.push("start");
      break;
    case "stopped":
      if (current.active)
        actions.push("stop");
      break;
    case "restarted":
      actions.push("restart");
      break;
    case "reloaded":
      actions.push(current.active ? "reload" : "start");
      break;
  }
  if (args.state) {
    after.active = args.state !== "stopped";
    after.activeState = after.active ? "active" : "inactive";
  }
  return { actions, after };
}
function commandFor(action, name) {
  return action === "daemon-reload" ? "systemctl daemon-reload" : `systemctl ${action} ${shellQuote(name)}`;
}
var systemd = {
  name: "systemd",
  aliases: ["systemd_service", "ansible.builtin.systemd_service"],
  description: "A systemd unit started, stopped, restarted or reloaded, enabled or not, with daemon-reload when unit files changed.",
  example: `- name: Kubelet running and enabled
  systemd:
    name: kubelet
    state: started
    enabled: true
    daemon_reload: true
`,
  args: {
    name: { type: "str", aliases: ["unit", "service"] },
    state: { type: "str", choices: ["started", "stopped", "restarted", "reloaded"] },
    enabled: { type: "bool" },
    daemon_reload: { type: "bool", default: false, aliases: ["daemon-reload"] }
  },
  validate: (args) => args.state === void 0 && args.enabled === void 0 && !args.daemon_reload ? "systemd needs 'state', 'enabled' or 'daemon_reload'" : args.name === void 0 && (args.state !== void 0 || args.enabled !== void 0) ? "systemd needs 'name' with 'state' or 'enabled'" : void 0,
  prefetch: (args) => args.name === void 0 ? [] : [serviceFact(args.name)],
  async check(args, ctx) {
    if (args.name === void 0)
      return daemonReloadOnly(ctx.changedPaths());
    const current = await ctx.facts.get(serviceFact(args.name));
    if (!current.loaded && !current.needDaemonReload && (args.state !== void 0 || args.enabled !== void 0)) {
      throw new Error(`unit ${args.name} not found on ${ctx.host}`);
    }
    const { actions, after } = planUnit(args, current);
    return {
      changed: actions.length > 0,
      message: actions.length > 0 ? actions.join("; ") : void 0,
      // Later tasks (and a dry-run's) plan against the state this one leaves.
      facts: actions.length > 0 ? [{ request: serviceFact(args.name), value: after }] : void 0,
      result: { name: args.name, state: after.active ? "started" : "stopped", enabled: after.enabled, status: { ActiveState: current.activeState, SubState: current.subState, UnitFileState: current.unitFileState } },
      data: { actions, after }
    };
  },
  async apply(args, check, ctx) {
    await runNow(ctx, check.data.actions.map((action) => commandFor(action, args.name ?? "")).join(" && "));
    return { changed: args.name !== void 0 };
  }
};
function daemonReloadOnly(changedPaths) {
  const unitFiles = changedPaths.filter((path3) => UNIT_DIRS.some((dir) => path3.startsWith(dir)));
  const actions = unitFiles.length > 0 ? ["daemon-reload"] : [];
  return {
    changed: actions.length > 0,
    message: actions.length > 0 ? `daemon-reload (${unitFiles.join(", ")} changed)` : void 0,
    invalidatesFacts: actions.length > 0,
    result: { name: null, status: {} },
    data: { actions, after: void 0 }
  };
}

// dist/lib/modules/template.js
import { readFileSync } from "node:fs";
var template = {
  name: "template",
  description: "A file rendered from a Jinja2 template in templates/, with owner and mode.",
  example: `- name: Application config
  template:
    src: app.conf.j2
    dest: /etc/app.conf
    mode: '0640'
`,
  args: {
    src: { type: "path", required: true },
    dest: { type: "path", absolute: true, required: true },
    ...fileMetadataArgs()
  },
  prefetch: (args) => writeFacts(args.dest, args),
  preflight(args, ctx) {
    ctx.render(readTemplate(args.src, ctx.baseDir), `template ${args.src}`);
  },
  async check(args, ctx) {
    const content = Buffer.from(ctx.render(readTemplate(args.src, ctx.baseDir), `template ${args.src}`));
    return planRegularFile({ path: args.dest, content, mode: args.mode, owner: args.owner, group: args.group }, ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data, ctx);
    return { changed: true };
  }
};
function readTemplate(src, baseDir) {
  const file2 = resolveSourceFile(baseDir, "template", src);
  if (!file2)
    throw new Error(`template '${src}' not found in ${baseDir}/templates or ${baseDir}`);
  return readFileSync(file2, "utf8");
}

// dist/lib/modules/wait_for.js
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
function describeTarget(target) {
  return target.url ?? `${target.host}:${target.port}`;
}
var TLS_HINT = " (is ca_path the CA that signed the server certificate, and is the host name or IP in its SANs?)";
function describeError(error) {
  const code = error.code;
  if (code && error.message.includes(code))
    return code;
  const text = code ? `${code}: ${error.message}` : error.message;
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|unable to get/i.test(text) ? text + TLS_HINT : text;
}
function probeOnce(target, timeoutMs) {
  return new Promise((resolve2) => {
    let settled = false;
    const finish = (outcome, cleanup) => {
      if (settled)
        return;
      settled = true;
      cleanup();
      resolve2(outcome);
    };
    if (target.url) {
      const url = new URL(target.url);
      const client = url.protocol === "https:" ? https : http;
      const request = client.get(url, { agent: false, ca: target.ca, timeout: timeoutMs }, (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.length < 4 && chunks.push(chunk));
        response.on("end", () => {
          const want = target.statusCode ?? 200;
          if (response.statusCode === want)
            return finish({ ready: true }, () => void 0);
          const body = Buffer.concat(chunks).toString("utf8").replace(/\s+/g, " ").trim().slice(0, 200);
          finish({ ready: false, error: `HTTP ${response.statusCode} (want ${want})${body ? `: ${body}` : ""}` }, () => void 0);
        });
        response.on("error", (error) => finish({ ready: false, error: describeError(error) }, () => void 0));
      });
      request.on("timeout", () => finish({ ready: false, error: `no answer within ${Math.ceil(timeoutMs / 1e3)}s` }, () => request.destroy()));
      request.on("error", (error) => finish({ ready: false, error: describeError(error) }, () => request.destroy()));
      return;
    }
    const host = target.host;
    const options = { host, port: target.port, timeout: timeoutMs };
    const socket = target.ca ? tls.connect({ ...options, ca: target.ca, servername: net.isIP(host) ? void 0 : host }, () => finish({ ready: true }, () => socket.destroy())) : net.connect(options, () => finish({ ready: true }, () => socket.destroy()));
    socket.on("timeout", () => finish({ ready: false, error: `no answer within ${Math.ceil(timeoutMs / 1e3)}s` }, () => socket.destroy()));
    socket.on("error", (error) => finish({ ready: false, error: describeError(error) }, () => socket.destroy()));
  });
}
var pause = (ms) => new Promise((resolve2) => setTimeout(resolve2, ms));
async function waitUntilReady(target, options) {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  if (options.delayMs)
    await pause(Math.min(options.delayMs, options.timeoutMs));
  let lastError;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      return { ready: false, attempts: attempt - 1, elapsedMs: Date.now() - started, lastError };
    const outcome = await probeOnce(target, Math.min(options.attemptTimeoutMs ?? 1e4, remaining));
    if (outcome.ready)
      return { ready: true, attempts: attempt, elapsedMs: Date.now() - started };
    lastError = outcome.error;
    options.onAttempt?.(attempt, lastError);
    if (Date.now() + options.sleepMs >= deadline)
      return { ready: false, attempts: attempt, elapsedMs: Date.now() - started, lastError };
    await pause(options.sleepMs);
  }
}
function timeoutMessage(target, timeoutSeconds, lastError) {
  return `timed out after ${timeoutSeconds}s waiting for ${describeTarget(target)} (last error: ${lastError ?? "none"})`;
}
var waitFor = {
  name: "wait_for",
  description: "Wait, from the controller, until a TCP port answers or an http(s) URL returns the wanted status.",
  example: `- name: API server answers
  wait_for:
    url: https://{{ ansible_host }}:6443/readyz
    ca_path: /etc/kubernetes/pki/ca.crt
    timeout: 120
`,
  args: {
    host: { type: "str" },
    port: { type: "int" },
    url: { type: "str" },
    ca_path: { type: "path", absolute: true },
    timeout: { type: "int", default: 300 },
    delay: { type: "int", default: 0 },
    sleep: { type: "int", default: 1 },
    status_code: { type: "int", default: 200 }
  },
  validate(args) {
    if (args.url === void 0 && args.port === void 0)
      return "wait_for needs 'url' or 'port'";
    if (typeof args.url === "string" && !args.url.includes("{{")) {
      try {
        if (!/^https?:$/.test(new URL(args.url).protocol))
          return `url '${args.url}' must be http:// or https://`;
      } catch {
        return `url '${args.url}' is not a valid URL`;
      }
    }
    return typeof args.timeout === "number" && args.timeout <= 0 ? "'timeout' must be positive" : void 0;
  },
  prefetch: (args) => args.ca_path ? fileReadRequests(args.ca_path) : [],
  async check(args, ctx) {
    if (args.url !== void 0 && !/^https?:$/.test(new URL(args.url).protocol))
      throw new Error(`url '${args.url}' must be http:// or https://`);
    const ca = args.ca_path ? contentOrPending(await readHostFile(ctx.facts, args.ca_path), "CA file", ctx.user, ctx.dryRun) : void 0;
    const target = targetOf(args, ctx, ca);
    const wait = `a real run would wait up to ${args.timeout}s`;
    if (args.ca_path && ca === void 0)
      return { changed: false, message: `not ready now (${args.ca_path} is written earlier in this run); ${wait}` };
    if (!ctx.dryRun && args.delay > 0)
      return { changed: true, message: "waiting", data: { target } };
    const outcome = await probeOnce(target, Math.min(5e3, args.timeout * 1e3));
    if (outcome.ready)
      return { changed: false, message: `${describeTarget(target)} is ready`, result: { elapsed: 0, attempts: 1 } };
    if (ctx.dryRun)
      return { changed: false, message: `not ready now (${outcome.error}); ${wait}` };
    return { changed: true, message: "waiting", data: { target } };
  },
  async apply(args, check, ctx) {
    const { target } = check.data;
    const what = describeTarget(target);
    const outcome = await waitUntilReady(target, {
      timeoutMs: args.timeout * 1e3,
      sleepMs: args.sleep * 1e3,
      delayMs: args.delay * 1e3,
      onAttempt: (attempt, lastError) => ctx.progress(`waiting for ${what}: attempt ${attempt}, last error: ${lastError}`)
    });
    const result = { elapsed: Math.round(outcome.elapsedMs / 1e3), attempts: outcome.attempts };
    if (!outcome.ready)
      return { changed: false, failed: true, message: timeoutMessage(target, args.timeout, outcome.lastError), result };
    return { changed: false, message: `${what} ready after ${result.elapsed}s (${outcome.attempts} attempts)`, result };
  }
};
function targetOf(args, ctx, ca) {
  if (args.url)
    return { url: args.url, ca, statusCode: args.status_code };
  const host = args.host ?? (typeof ctx.vars.ansible_host === "string" ? ctx.vars.ansible_host : ctx.host);
  return { host, port: args.port, ca };
}

// dist/lib/modules/assert.js
var assert = {
  name: "assert",
  description: "Fail unless every condition holds.",
  example: `- name: The cluster has an odd number of masters
  assert:
    that:
      - groups['masters'] | length is odd
    fail_msg: etcd needs an odd number of members
`,
  args: {
    that: { type: "list", required: true },
    fail_msg: { type: "raw", aliases: ["msg"] },
    success_msg: { type: "raw" },
    quiet: { type: "bool", default: false }
  },
  async check(args, ctx) {
    for (const that of args.that) {
      const holds = typeof that === "boolean" ? that : ctx.evaluate(String(that));
      if (!holds) {
        const msg2 = args.fail_msg ?? "Assertion failed";
        return { changed: false, failed: true, message: messageText(msg2), result: { assertion: that, evaluated_to: false, msg: msg2 } };
      }
    }
    const msg = args.success_msg ?? "All assertions passed";
    return { changed: false, message: args.quiet ? void 0 : messageText(msg), result: { msg } };
  },
  async apply() {
    return { changed: false };
  }
};
var fail = {
  name: "fail",
  description: "Fail the host with a message.",
  example: `- name: Refuse unsupported releases
  fail:
    msg: "release {{ release }} is not supported"
  when: release is version('1.2', '<')
`,
  args: { msg: { type: "raw", default: "Failed as requested from task" } },
  async check(args) {
    return { changed: false, failed: true, message: messageText(args.msg), result: { msg: args.msg } };
  },
  async apply() {
    return { changed: false };
  }
};
function messageText(msg) {
  return Array.isArray(msg) ? msg.map(String).join("\n") : typeof msg === "string" ? msg : JSON.stringify(msg);
}

// dist/lib/template/environment.js
import { existsSync as existsSync3, readFileSync as readFileSync3 } from "node:fs";
import { dirname, join as join3 } from "node:path";

// dist/lib/template/syntax.js
import { createRequire as createRequire3 } from "node:module";

// dist/lib/template/nunjucks-internals.js
import { createRequire as createRequire2 } from "node:module";
var require2 = createRequire2(import.meta.url);
var nunjucks = require2("nunjucks");
var transformer = require2("nunjucks/src/transformer.js");

// dist/lib/template/syntax.js
var require3 = createRequire3(import.meta.url);
var lexer = require3("nunjucks/src/lexer.js");
var nodes = nunjucks.nodes;
var Parser = require3("nunjucks/src/parser.js").Parser;
var parser = Parser.prototype;
parser.parseInlineIf = function parseInlineIf() {
  const node = this.parseOr();
  if (!this.skipSymbol("if"))
    return node;
  const inline = new nodes.InlineIf(node.lineno, node.colno);
  inline.body = node;
  inline.cond = this.parseOr();
  inline.else_ = this.skipSymbol("else") ? this.parseInlineIf() : null;
  return inline;
};
parser.parsePostfix = function postfixWithSlices(node) {
  for (; ; ) {
    const tok = this.peekToken();
    if (!tok)
      return node;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) {
      node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      continue;
    }
    if (tok.type === lexer.TOKEN_OPERATOR && tok.value === ".") {
      this.nextToken();
      const name = this.nextToken();
      if (name.type !== lexer.TOKEN_SYMBOL)
        this.fail(`expected name as lookup value, got ${name.value}`, name.lineno, name.colno);
      node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(name.lineno, name.colno, name.value));
      continue;
    }
    if (tok.type !== lexer.TOKEN_LEFT_BRACKET)
      return node;
    this.nextToken();
    const parts = [];
    let isSlice = false;
    let current = null;
    for (; ; ) {
      const next = this.peekToken();
      if (next.type === lexer.TOKEN_RIGHT_BRACKET) {
        this.nextToken();
        break;
      }
      if (next.type === lexer.TOKEN_COLON) {
        this.nextToken();
        isSlice = true;
        parts.push(current);
        current = null;
        continue;
      }
      if (current)
        this.fail("invalid index", next.lineno, next.colno);
      current = this.parseExpression();
    }
    parts.push(current);
    if (!isSlice) {
      if (!current)
        this.fail("expected an index", tok.lineno, tok.colno);
      node = new nodes.LookupVal(tok.lineno, tok.colno, node, current);
      continue;
    }
    if (parts.length > 3)
      this.fail("invalid slice", tok.lineno, tok.colno);
    while (parts.length < 3)
      parts.push(null);
    const bounds = new nodes.Array(tok.lineno, tok.colno, parts.map((part2) => part2 ?? new nodes.Literal(tok.lineno, tok.colno, null)));
    const lookup2 = new nodes.LookupVal(tok.lineno, tok.colno, node, bounds);
    lookup2.rbSlice = true;
    node = lookup2;
  }
};
var SIMPLE_ESCAPES = { n: "\n", t: "	", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0", "\n": "" };
var tokenizer = Object.getPrototypeOf(lexer.lex("", {}));
tokenizer._parseString = function parsePythonString(delimiter) {
  this.forward();
  let out = "";
  while (!this.isFinished() && this.current() !== delimiter) {
    const c = this.current();
    this.forward();
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = this.current();
    this.forward();
    if (Object.hasOwn(SIMPLE_ESCAPES, e))
      out += SIMPLE_ESCAPES[e];
    else if (e === "x" || e === "u" || e === "U") {
      const width = e === "x" ? 2 : e === "u" ? 4 : 8;
      let hex = "";
      for (let i = 0; i < width; i++) {
        hex += this.current();
        this.forward();
      }
      out += String.fromCodePoint(Number.parseInt(hex, 16));
    } else
      out += `\\${e}`;
  }
  this.forward();
  return out;
};
var NOT_AN_ARGUMENT = /* @__PURE__ */ new Set(["and", "or", "if", "else", "not", "in", "is"]);
parser.parseIs = function parseIs() {
  let node = this.parseCompare();
  while (this.skipSymbol("is")) {
    const negated = this.skipSymbol("not");
    const tok = this.nextToken();
    if (![lexer.TOKEN_SYMBOL, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE].includes(tok.type))
      this.fail(`expected a test name after 'is', got '${tok.value}'`, tok.lineno, tok.colno);
    let name = tok.value;
    while (this.skipValue(lexer.TOKEN_OPERATOR, "."))
      name += `.${this.nextToken().value}`;
    let test = new nodes.Symbol(tok.lineno, tok.colno, name);
    const next = this.peekToken();
    if (next?.type === lexer.TOKEN_LEFT_PAREN)
      test = new nodes.FunCall(tok.lineno, tok.colno, test, this.parseSignature());
    else if (next && ([lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_STRING, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY].includes(next.type) || next.type === lexer.TOKEN_SYMBOL && !NOT_AN_ARGUMENT.has(next.value))) {
      const argument = this.parsePrimary();
      test = new nodes.FunCall(tok.lineno, tok.colno, test, new nodes.NodeList(tok.lineno, tok.colno, [argument]));
    }
    node = new nodes.Is(node.lineno, node.colno, node, test);
    if (negated)
      node = new nodes.Not(node.lineno, node.colno, node);
  }
  return node;
};
var tokenizerWithDepth = tokenizer;
var nextToken = tokenizerWithDepth.nextToken;
tokenizerWithDepth.nextToken = function nextTokenCountingBraces() {
  if (this.in_code && (this.curlyDepth ?? 0) > 0 && this.str.startsWith("}}", this.index)) {
    const token2 = { type: lexer.TOKEN_RIGHT_CURLY, value: "}", lineno: this.lineno, colno: this.colno };
    this.forward();
    this.curlyDepth -= 1;
    return token2;
  }
  const token = nextToken.call(this);
  if (token?.type === lexer.TOKEN_LEFT_CURLY)
    this.curlyDepth = (this.curlyDepth ?? 0) + 1;
  else if (token?.type === lexer.TOKEN_RIGHT_CURLY)
    this.curlyDepth = Math.max(0, (this.curlyDepth ?? 0) - 1);
  else if (token?.type === lexer.TOKEN_VARIABLE_END || token?.type === lexer.TOKEN_BLOCK_END)
    this.curlyDepth = 0;
  return token;
};
function numericLiteral(name) {
  if (/^\d[\d_]*(?:[eE][-+]?\d+)$/.test(name))
    return Number(name.replace(/_/g, ""));
  if (/^\d[\d_]*$/.test(name))
    return Number(name.replace(/_/g, ""));
  const prefixed = /^0([xob])([0-9a-fA-F_]+)$/i.exec(name);
  if (prefixed) {
    const value = Number.parseInt(prefixed[2].replace(/_/g, ""), { x: 16, o: 8, b: 2 }[prefixed[1].toLowerCase()]);
    return Number.isNaN(value) ? void 0 : value;
  }
  return void 0;
}

// dist/lib/template/analysis.js
var OPTIONAL_SUBJECT_FILTERS = /* @__PURE__ */ new Set(["default", "d"]);
var OPTIONAL_SUBJECT_TESTS = /* @__PURE__ */ new Set(["defined", "undefined"]);
var PYTHON_LITERALS = { True: "true", False: "false", None: "null" };
function analyzeTemplate(root) {
  const analysis = {
    strictReads: /* @__PURE__ */ new Set(),
    optionalReads: /* @__PURE__ */ new Set(),
    boundNames: /* @__PURE__ */ new Set(),
    filters: /* @__PURE__ */ new Map(),
    tests: /* @__PURE__ */ new Map()
  };
  visit(root, analysis);
  return analysis;
}
function markOptional(node) {
  while (node && (node.typename === "Symbol" || node.typename === "LookupVal")) {
    node.rbOptional = true;
    node = node.typename === "LookupVal" ? node.target : void 0;
  }
}
function markTruthy(node) {
  if (node)
    node.rbTruthy = true;
}
function bindTarget(node, analysis) {
  if (!node)
    return;
  if (node.typename === "Symbol")
    analysis.boundNames.add(String(node.value));
  else
    for (const child of node.children ?? [])
      bindTarget(child, analysis);
}
function visitAll(nodes2, analysis) {
  for (const node of nodes2)
    if (node)
      visit(node, analysis);
}
function visit(node, analysis) {
  switch (node.typename) {
    case "Symbol": {
      const name = String(node.value);
      if (Object.hasOwn(PYTHON_LITERALS, name) || numericLiteral(name) !== void 0)
        return;
      (node.rbOptional ? analysis.optionalReads : analysis.strictReads).add(name);
      return;
    }
    case "Filter": {
      const name = String(node.name.value);
      analysis.filters.set(name, node);
      const hasMessage = node.args.children.length > 1;
      if (OPTIONAL_SUBJECT_FILTERS.has(name) || name === "mandatory" && hasMessage)
        markOptional(node.args.children[0]);
      visit(node.args, analysis);
      return;
    }
    case "Is": {
      const test = node.right;
      const name = String(test.typename === "FunCall" ? test.name.value : test.value);
      analysis.tests.set(name, node);
      if (OPTIONAL_SUBJECT_TESTS.has(name))
        markOptional(node.left);
      visit(node.left, analysis);
      if (test.typename === "FunCall")
        visit(test.args, analysis);
      return;
    }
    case "Pair":
      if (node.key.typename !== "Symbol")
        visit(node.key, analysis);
      visit(node.value, analysis);
      return;
    case "If":
    case "InlineIf":
      markTruthy(node.cond);
      break;
    case "Not":
      markTruthy(node.target);
      break;
    case "For":
    case "AsyncEach":
    case "AsyncAll":
      bindTarget(node.name, analysis);
      analysis.boundNames.add("loop");
      if (node.name.typename === "Symbol")
        node.arr.rbIterateKeys = true;
      visitAll([node.arr, node.body, node.else_], analysis);
      return;
    case "Set":
      for (const target of node.targets)
        bindTarget(target, analysis);
      visitAll([node.value, node.body], analysis);
      return;
    case "Macro":
      bindTarget(node.name, analysis);
      for (const arg of node.args.children) {
        if (arg.typename === "KeywordArgs") {
          for (const pair of arg.children ?? []) {
            bindTarget(pair.key, analysis);
            visit(pair.value, analysis);
          }
        } else
          bindTarget(arg, analysis);
      }
      for (const implicit of ["caller", "varargs", "kwargs"])
        analysis.boundNames.add(implicit);
      visit(node.body, analysis);
      return;
    case "Import":
      bindTarget(node.target, analysis);
      return;
    case "FromImport":
      for (const name of node.names.children) {
        bindTarget(name.typename === "Pair" ? name.value : name, analysis);
      }
      return;
  }
  if (node.children)
    visitAll(node.children, analysis);
  else
    for (const field of node.fields) {
      const value = node[field];
      if (value && typeof value === "object" && typeof value.typename === "string")
        visit(value, analysis);
    }
}
function singleExpression(root) {
  const outputs = root.children ?? [];
  if (outputs.length !== 1 || outputs[0].typename !== "Output")
    return void 0;
  const nodes2 = (outputs[0].children ?? []).filter((child) => !(child.typename === "TemplateData" && child.value === ""));
  return nodes2.length === 1 && nodes2[0].typename !== "TemplateData" ? nodes2[0] : void 0;
}
function describeLookup(node) {
  switch (node.typename) {
    case "Symbol":
      return String(node.value);
    case "LookupVal": {
      const target = describeLookup(node.target);
      const key = node.val;
      if (key.typename === "Literal") {
        if (typeof key.value === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key.value))
          return `${target}.${key.value}`;
        return `${target}[${JSON.stringify(key.value)}]`;
      }
      return `${target}[${describeLookup(key)}]`;
    }
    case "FunCall":
      return `${describeLookup(node.name)}(...)`;
    default:
      return "(expression)";
  }
}

// dist/lib/template/compiler.js
var BaseCompiler = nunjucks.compiler.Compiler;
var AnsibleCompiler = class extends BaseCompiler {
  /** Set when the template is one expression whose value is the result. */
  nativeExpression;
  compile(node, frame) {
    const flags = node;
    if (flags.rbTruthy) {
      flags.rbTruthy = false;
      this._emit("env.rb.truthy(");
      super.compile(node, frame);
      this._emit(")");
      flags.rbTruthy = true;
    } else if (flags.rbIterateKeys) {
      flags.rbIterateKeys = false;
      this._emit("env.rb.iterable(");
      super.compile(node, frame);
      this._emit(")");
      flags.rbIterateKeys = true;
    } else
      super.compile(node, frame);
  }
  compileSymbol(node, frame) {
    const name = String(node.value);
    const bound = frame.lookup(name);
    if (bound)
      return this._emit(bound);
    if (Object.hasOwn(PYTHON_LITERALS, name))
      return this._emit(PYTHON_LITERALS[name]);
    const number = numericLiteral(name);
    if (number !== void 0)
      return this._emit(String(number));
    const lookup2 = `runtime.contextOrFrameLookup(context, frame, ${JSON.stringify(name)})`;
    if (node.rbOptional)
      this._emit(`env.rb.optional(function(){return ${lookup2};})`);
    else
      this._emit(`env.rb.defined(${lookup2}, ${JSON.stringify(name)}, ${node.lineno + 1})`);
  }
  compileLookupVal(node, frame) {
    if (node.rbSlice) {
      this._emit("env.rb.slice(");
      this._compileExpression(node.target, frame);
      this._emit(",");
      this._compileExpression(node.val, frame);
      this._emit(")");
      return;
    }
    this._emit("env.rb.member(context,");
    this._compileExpression(node.target, frame);
    this._emit(",");
    this._compileExpression(node.val, frame);
    const optional = node.rbOptional ? "true" : "false";
    this._emit(`,${optional},${JSON.stringify(describeLookup(node))},${node.lineno + 1})`);
  }
  compileOutput(node, frame) {
    const native = this.nativeExpression && (node.children ?? []).includes(this.nativeExpression);
    for (const child of node.children ?? []) {
      if (native) {
        if (child !== this.nativeExpression)
          continue;
        this._emit(`${this.buffer} = `);
        this.compile(child, frame);
        this._emit(";\n");
      } else if (child.typename === "TemplateData") {
        if (!child.value)
          continue;
        this._emit(`${this.buffer} += `);
        this.compileLiteral(child, frame);
        this._emit(";\n");
      } else {
        this._emit(`${this.buffer} += env.rb.str(`);
        this.compile(child, frame);
        this._emit(");\n");
      }
    }
  }
  /** Jinja2's loop.cycle(), loop.depth/depth0, loop.previtem/nextitem, on top of nunjucks' loop variables. */
  _emitLoopBindings(node, arr, i, len) {
    BaseCompiler.prototype._emitLoopBindings.call(this, node, arr, i, len);
    this._emitLine(`frame.set("loop.cycle", function(){var a=Array.prototype.filter.call(arguments,function(x){return !(x&&x.__keywords);});return a[${i} % a.length];});`);
    this._emitLine(`frame.set("loop.depth", 1);`);
    this._emitLine(`frame.set("loop.depth0", 0);`);
    this._emitLine(`frame.set("loop.previtem", ${i} > 0 ? ${arr}[${i} - 1] : undefined);`);
    this._emitLine(`frame.set("loop.nextitem", ${i} < ${len} - 1 ? ${arr}[${i} + 1] : undefined);`);
  }
  // nunjucks emits a test's arguments without commas, breaking `is version('2.9', '>')`.
  compileIs(node, frame) {
    const test = node.right;
    const name = String(test.typename === "FunCall" ? test.name.value : test.value);
    this._emit(`(env.getTest(${JSON.stringify(name)}).call(context, `);
    this.compile(node.left, frame);
    if (test.typename === "FunCall" && test.args.children.length) {
      this._emit(",");
      this._compileAggregate(test.args, frame);
    }
    this._emit(") === true)");
  }
  compileCompare(node, frame) {
    const ops = node.ops;
    const type = ops.length === 1 ? String(ops[0].type) : "";
    if (type !== "==" && type !== "!=")
      return super.compileCompare(node, frame);
    this._emit(type === "==" ? "env.rb.eq(" : "!env.rb.eq(");
    this.compile(node.expr, frame);
    this._emit(",");
    this.compile(ops[0].expr, frame);
    this._emit(")");
  }
  // Python `a or b` returns an operand, chosen by Python truthiness; the right
  // side stays lazy so `x is defined and x.y` does not touch x.y.
  compileOr(node, frame) {
    this.emitShortCircuit("or", node, frame);
  }
  compileAnd(node, frame) {
    this.emitShortCircuit("and", node, frame);
  }
  emitShortCircuit(helper, node, frame) {
    this._emit(`env.rb.${helper}(`);
    this.compile(node.left, frame);
    this._emit(",function(){return ");
    this.compile(node.right, frame);
    this._emit(";})");
  }
  compileNot(node, frame) {
    this._emit("!env.rb.truthy(");
    this.compile(node.target, frame);
    this._emit(")");
  }
  compileAdd(node, frame) {
    this._emit("env.rb.add(");
    this.compile(node.left, frame);
    this._emit(",");
    this.compile(node.right, frame);
    this._emit(")");
  }
  compileConcat(node, frame) {
    this.emitCall("cat", node, frame);
  }
  // Python operators: `%` formats strings, `*` repeats strings and lists, `%` and `//` floor.
  compileMod(node, frame) {
    this.emitCall("mod", node, frame);
  }
  compileMul(node, frame) {
    this.emitCall("mul", node, frame);
  }
  emitCall(helper, node, frame) {
    this._emit(`env.rb.${helper}(`);
    this.compile(node.left, frame);
    this._emit(",");
    this.compile(node.right, frame);
    this._emit(")");
  }
  /**
   * `{% set %}` as in Jinja2: inside a loop it binds a name local to the loop
   * (use namespace() to carry values out); `{% set ns.attr = v %}` sets an
   * attribute of a namespace.
   */
  compileSet(node, frame) {
    const targets = node.targets;
    if (targets.length === 1 && targets[0].typename === "LookupVal") {
      this._emit("env.rb.setAttribute(");
      this._compileExpression(targets[0].target, frame);
      this._emit(",");
      this._compileExpression(targets[0].val, frame);
      this._emit(",");
      this._compileExpression(node.value, frame);
      this._emitLine(");");
      return;
    }
    const ids = targets.map((target) => {
      const name = String(target.value);
      let id = frame.get(name);
      if (!id) {
        id = this._tmpid();
        this._emitLine(`var ${id};`);
        frame.set(name, id);
      }
      return id;
    });
    this._emit(`${ids.join(" = ")} = `);
    if (node.value)
      this._compileExpression(node.value, frame);
    else
      this.compile(node.body, frame);
    this._emitLine(";");
    targets.forEach((target, i) => {
      const name = JSON.stringify(String(target.value));
      this._emitLine(`frame.set(${name}, ${ids[i]});`);
      this._emitLine(`if(frame.topLevel) { context.setVariable(${name}, ${ids[i]}); }`);
    });
  }
  // `(1, 2)` is a tuple in Python; nunjucks would evaluate it with JavaScript's comma operator.
  compileGroup(node, frame) {
    if ((node.children ?? []).length > 1) {
      this._emit("env.rb.tuple(");
      this._compileAggregate(node, frame, "[", "]");
      this._emit(")");
    } else
      this._compileAggregate(node, frame, "(", ")");
  }
};
function generateCode(root, nativeExpression) {
  const compiler = new AnsibleCompiler("template", false);
  compiler.nativeExpression = nativeExpression;
  compiler.compile(root);
  return compiler.getCode();
}

// dist/lib/template/python.js
var PyTuple = class extends Array {
};
function isPlainObject(value) {
  if (value === null || typeof value !== "object")
    return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
function truthy(value) {
  if (value === null || value === void 0)
    return false;
  switch (typeof value) {
    case "boolean":
      return value;
    case "string":
      return value.length > 0;
    case "number":
      return value !== 0 && !Number.isNaN(value);
    case "object":
      if (Array.isArray(value))
        return value.length > 0;
      if (value instanceof Map || value instanceof Set)
        return value.size > 0;
      if (value instanceof String)
        return value.length > 0;
      if (isPlainObject(value)) {
        for (const _ in value)
          return true;
        return false;
      }
      return true;
    default:
      return true;
  }
}
var TRUE_WORDS = /* @__PURE__ */ new Set(["true", "yes", "on", "1", "y", "t"]);
function ansibleBool(value) {
  if (typeof value === "boolean")
    return value;
  if (value === null || value === void 0)
    return false;
  if (typeof value === "number")
    return value === 1;
  if (typeof value === "string" || value instanceof String)
    return TRUE_WORDS.has(String(value).trim().toLowerCase());
  return false;
}
function pyStr(value) {
  if (typeof value === "string")
    return value;
  if (value === null || value === void 0)
    return "";
  if (typeof value === "boolean")
    return value ? "True" : "False";
  if (typeof value === "number")
    return String(value);
  if (value instanceof String)
    return value.toString();
  return pyRepr(value);
}
function pyRepr(value) {
  if (value === null || value === void 0)
    return "None";
  if (typeof value === "string")
    return pyStringRepr(value);
  if (typeof value === "boolean")
    return value ? "True" : "False";
  if (typeof value === "number")
    return String(value);
  if (value instanceof String)
    return pyRepr(value.toString());
  if (value instanceof PyTuple)
    return value.length === 1 ? `(${pyRepr(value[0])},)` : `(${value.map(pyRepr).join(", ")})`;
  if (Array.isArray(value))
    return `[${value.map(pyRepr).join(", ")}]`;
  if (value instanceof Map)
    return `{${[...value].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  if (typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
  return String(value);
}
function pyEquals(a, b) {
  if (a === b)
    return true;
  if (a instanceof String)
    a = a.toString();
  if (b instanceof String)
    b = b.toString();
  if (a === b)
    return true;
  if (a === void 0)
    a = null;
  if (b === void 0)
    b = null;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    if (typeof a === "boolean" && typeof b === "number")
      return Number(a) === b;
    if (typeof b === "boolean" && typeof a === "number")
      return Number(b) === a;
    return a === b;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
      return false;
    return a.every((item, i) => pyEquals(item, b[i]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length)
    return false;
  return aKeys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
}
function pySplit(text, separator, maxSplit = -1) {
  if (separator === void 0 || separator === null) {
    const parts2 = text.trim().split(/\s+/).filter((p) => p !== "");
    if (maxSplit < 0 || parts2.length <= maxSplit + 1)
      return parts2;
    const out = [];
    let rest = text.trimStart();
    for (let i = 0; i < maxSplit; i++) {
      const m = /\s+/.exec(rest);
      if (!m)
        break;
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    out.push(rest);
    return out;
  }
  if (separator === "")
    throw new Error("empty separator");
  const parts = text.split(separator);
  if (maxSplit < 0 || parts.length <= maxSplit + 1)
    return parts;
  return [...parts.slice(0, maxSplit), parts.slice(maxSplit).join(separator)];
}
function stripChars(text, chars, left, right) {
  if (chars === void 0 || chars === null) {
    if (left && right)
      return text.trim();
    return left ? text.trimStart() : text.trimEnd();
  }
  let start = 0;
  let end = text.length;
  if (left)
    while (start < end && chars.includes(text[start]))
      start++;
  if (right)
    while (end > start && chars.includes(text[end - 1]))
      end--;
  return text.slice(start, end);
}
function prefixes(arg) {
  return Array.isArray(arg) ? arg.map(String) : [String(arg)];
}
var STRING_METHODS = {
  split: (s, sep, max) => pySplit(s, sep, max ?? -1),
  rsplit: (s, sep, max) => {
    if (max === void 0 || max < 0)
      return pySplit(s, sep);
    const reversed = pySplit([...s].reverse().join(""), sep === void 0 || sep === null ? sep : [...sep].reverse().join(""), max);
    return reversed.map((p) => [...p].reverse().join("")).reverse();
  },
  splitlines: (s) => s.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== ""),
  startswith: (s, p) => prefixes(p).some((x) => s.startsWith(x)),
  endswith: (s, p) => prefixes(p).some((x) => s.endsWith(x)),
  strip: (s, chars) => stripChars(s, chars, true, true),
  lstrip: (s, chars) => stripChars(s, chars, true, false),
  rstrip: (s, chars) => stripChars(s, chars, false, true),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  title: (s) => s.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, pre, c) => pre + c.toUpperCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  replace: (s, old, replacement, count) => {
    if (count === void 0 || count < 0)
      return s.split(old).join(replacement);
    const parts = s.split(old);
    return parts.slice(0, count + 1).join(replacement) + (parts.length > count + 1 ? old + parts.slice(count + 1).join(old) : "");
  },
  find: (s, sub) => s.indexOf(sub),
  count: (s, sub) => sub === "" ? s.length + 1 : s.split(sub).length - 1,
  join: (s, items) => Array.isArray(items) ? items.map(pyStr).join(s) : "",
  isdigit: (s) => /^[0-9]+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  isspace: (s) => /^\s+$/.test(s),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  zfill: (s, width) => s.padStart(width, "0"),
  format: (s, ...args) => {
    const last = args[args.length - 1];
    const named = isKeywordArgs(last) ? args.pop() : {};
    return pyFormat(s, args, named);
  }
};
var LIST_METHODS = {
  index: (l, x) => {
    const i = l.findIndex((item) => pyEquals(item, x));
    if (i < 0)
      throw new Error(`${pyRepr(x)} is not in list`);
    return i;
  },
  count: (l, x) => l.filter((item) => pyEquals(item, x)).length,
  // Mutators are used in `{% set _ = list.append(x) %}` idioms.
  append: (l, x) => void l.push(x),
  extend: (l, x) => void l.push(...x),
  insert: (l, i, x) => void l.splice(i, 0, x),
  pop: (l, i) => i === void 0 ? l.pop() : l.splice(i < 0 ? l.length + i : i, 1)[0]
};
var DICT_METHODS = {
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d).map((pair) => PyTuple.from(pair)),
  get: (d, key, fallback = null) => Object.prototype.hasOwnProperty.call(d, key) ? d[key] : fallback,
  update: (d, other) => void Object.assign(d, other)
};
function pythonMethod(obj, name) {
  let table;
  if (typeof obj === "string")
    table = STRING_METHODS;
  else if (Array.isArray(obj))
    table = LIST_METHODS;
  else if (isPlainObject(obj))
    table = DICT_METHODS;
  if (!table || !Object.prototype.hasOwnProperty.call(table, name))
    return void 0;
  const method = table[name];
  return (...args) => method(obj, ...name === "format" ? args : stripKeywordArgs(args));
}
function stripKeywordArgs(args) {
  const last = args[args.length - 1];
  return isKeywordArgs(last) ? args.slice(0, -1) : args;
}
function isKeywordArgs(value) {
  return value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, "__keywords");
}
function formatNumber(value, type, precision) {
  const n = typeof value === "boolean" ? Number(value) : value;
  if (typeof n !== "number")
    throw new Error(`%${type} format: a number is required, not ${typeof value}`);
  switch (type) {
    case "d":
    case "i":
    case "u":
      return String(Math.trunc(n));
    case "x":
      return Math.trunc(n).toString(16);
    case "X":
      return Math.trunc(n).toString(16).toUpperCase();
    case "o":
      return Math.trunc(n).toString(8);
    case "b":
      return Math.trunc(n).toString(2);
    case "e":
    case "E": {
      const text = n.toExponential(precision ?? 6).replace(/e([-+])(\d)$/, "e$10$2");
      return type === "E" ? text.toUpperCase() : text;
    }
    case "%":
      return `${(n * 100).toFixed(precision ?? 6)}%`;
    default:
      return n.toFixed(precision ?? 6);
  }
}
function pad(text, width, align, fill2, zero) {
  if (width === void 0 || text.length >= width)
    return text;
  if (zero && align !== "<") {
    const sign = /^[-+ ]/.test(text) ? text[0] : "";
    return sign + text.slice(sign.length).padStart(width - sign.length, "0");
  }
  if (align === "<")
    return text.padEnd(width, fill2);
  if (align === "^") {
    const left = Math.floor((width - text.length) / 2);
    return fill2.repeat(left) + text + fill2.repeat(width - text.length - left);
  }
  return text.padStart(width, fill2);
}
function pyPercentFormat(fmt, args) {
  const positional = Array.isArray(args) ? args : [args];
  let next = 0;
  const out = fmt.replace(/%(?:\((\w+)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\d+))?([sridufFeExXoc%])/g, (_, key, flags, width, precision, type) => {
    if (type === "%")
      return "%";
    let value;
    if (key !== void 0)
      value = args[key];
    else {
      if (next >= positional.length)
        throw new Error("not enough arguments for format string");
      value = positional[next++];
    }
    const prec = precision === void 0 ? void 0 : Number(precision);
    let text;
    if (type === "s")
      text = prec === void 0 ? pyStrNone(value) : pyStrNone(value).slice(0, prec);
    else if (type === "r")
      text = pyRepr(value);
    else if (type === "c")
      text = typeof value === "number" ? String.fromCodePoint(value) : String(value);
    else {
      text = formatNumber(value, type, prec);
      if (flags.includes("+") && !text.startsWith("-"))
        text = `+${text}`;
      else if (flags.includes(" ") && !text.startsWith("-"))
        text = ` ${text}`;
    }
    return pad(text, width === void 0 ? void 0 : Number(width), flags.includes("-") ? "<" : ">", " ", flags.includes("0") && type !== "s");
  });
  if (key0(fmt) === void 0 && Array.isArray(args) && next < positional.length)
    throw new Error("not all arguments converted during string formatting");
  return out;
}
function key0(fmt) {
  return /%\((\w+)\)/.exec(fmt)?.[1];
}
function pyStrNone(value) {
  return value === null || value === void 0 ? "None" : pyStr(value);
}
function pyFormat(fmt, positional, named) {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::([^{}]*))?\}/g, (whole, field, spec) => {
    if (whole === "{{")
      return "{";
    if (whole === "}}")
      return "}";
    const [head2, ...path3] = (field ?? "").split(/\.|(?=\[)/);
    let value = head2 === "" ? positional[auto++] : /^\d+$/.test(head2) ? positional[Number(head2)] : named[head2];
    for (const step of path3) {
      const key = step.startsWith("[") ? step.slice(1, -1) : step;
      value = value?.[key];
    }
    if (!spec)
      return pyStrNone(value);
    const m = /^(?:(.)?([<>^=]))?([-+ ])?(0)?(\d+)?(?:,)?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
    if (!m)
      throw new Error(`invalid format specifier '${spec}'`);
    const [, fill2, align, sign, zero, width, precision, type] = m;
    let text = type && type !== "s" ? formatNumber(value, type, precision === void 0 ? void 0 : Number(precision)) : pyStrNone(value);
    if (type === "s" && precision !== void 0)
      text = text.slice(0, Number(precision));
    if (sign === "+" && typeof value === "number" && value >= 0)
      text = `+${text}`;
    const defaultAlign = typeof value === "number" ? ">" : "<";
    return pad(text, width === void 0 ? void 0 : Number(width), align ?? defaultAlign, fill2 ?? " ", zero === "0");
  });
}
function pyStringRepr(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of text) {
    if (c === "\\")
      out += "\\\\";
    else if (c === quote)
      out += `\\${c}`;
    else if (c === "\n")
      out += "\\n";
    else if (c === "\r")
      out += "\\r";
    else if (c === "	")
      out += "\\t";
    else if (c < " " || c === "\x7F")
      out += `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    else
      out += c;
  }
  return out + quote;
}

// dist/lib/template/arguments.js
function bindArguments(args, names, fallback) {
  const bound = { ...fallback };
  let positional = args;
  const last = args[args.length - 1];
  if (isKeywordArgs(last)) {
    positional = args.slice(0, -1);
    for (const [key, value] of Object.entries(last)) {
      if (key === "__keywords")
        continue;
      if (!names.includes(key))
        throw new Error(`unexpected keyword argument '${key}'`);
      bound[key] = value;
    }
  }
  positional.forEach((value, i) => {
    if (i < names.length && value !== void 0)
      bound[names[i]] = value;
  });
  return bound;
}
function splitKeywords(args) {
  const last = args[args.length - 1];
  if (!isKeywordArgs(last))
    return [args, {}];
  const { __keywords: _, ...keywords } = last;
  return [args.slice(0, -1), keywords];
}
function attributePath(value, path3) {
  let current = value;
  for (const part2 of path3.split(".")) {
    if (current === null || current === void 0)
      return void 0;
    if (typeof current !== "object")
      return void 0;
    current = Array.isArray(current) && /^\d+$/.test(part2) ? current[Number(part2)] : current[part2];
  }
  return current;
}
function toList(value) {
  if (Array.isArray(value))
    return value;
  if (value === null || value === void 0)
    return [];
  if (typeof value === "string")
    return [...value];
  if (value instanceof Map)
    return [...value.keys()];
  if (value instanceof Set)
    return [...value];
  if (typeof value === "object") {
    if (typeof value[Symbol.iterator] === "function")
      return [...value];
    return Object.keys(value);
  }
  throw new Error(`'${typeof value}' object is not iterable`);
}

// dist/lib/template/filters-core.js
function compareForSort(a, b, caseSensitive) {
  if (!caseSensitive) {
    if (typeof a === "string")
      a = a.toLowerCase();
    if (typeof b === "string")
      b = b.toLowerCase();
  }
  if (typeof a === "number" && typeof b === "number")
    return a - b;
  if (a === b)
    return 0;
  return a < b ? -1 : 1;
}
function toInt(value, fallback, base) {
  if (typeof value === "boolean")
    return value ? 1 : 0;
  if (typeof value === "number")
    return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value !== "string" && !(value instanceof String))
    return fallback;
  const text = String(value).trim().replace(/_/g, "");
  const prefix = /^[-+]?0([xob])/i.exec(text)?.[1].toLowerCase();
  const prefixed = prefix !== void 0 && (base === 0 || { x: 16, o: 8, b: 2 }[prefix] === base);
  if (prefix !== void 0 && !prefixed)
    return fallback;
  if (base === 10 && !prefixed && /^[-+]?\d+$/.test(text))
    return Number.parseInt(text, 10);
  if (base !== 10 || prefixed) {
    const sign = text.startsWith("-") ? -1 : 1;
    const digits = text.replace(/^[-+]/, "").replace(/^0[xob]/i, "");
    const radix = prefixed ? { x: 16, o: 8, b: 2 }[text.replace(/^[-+]/, "")[1].toLowerCase()] : base;
    const parsed = Number.parseInt(digits, radix);
    return Number.isNaN(parsed) ? fallback : sign * parsed;
  }
  const asFloat = Number(text);
  return text !== "" && Number.isFinite(asFloat) ? Math.trunc(asFloat) : fallback;
}
function uniqueBy(items) {
  const out = [];
  for (const item of items)
    if (!out.some((seen) => pyEquals(seen, item)))
      out.push(item);
  return out;
}
function coreFilters(registry2) {
  const selectBy = (keep, byAttribute) => (value, ...args) => {
    const [positional] = splitKeywords(args);
    const attribute = byAttribute ? String(positional.shift()) : void 0;
    const testName = positional.shift();
    const subject = (item) => attribute === void 0 ? item : attributePath(item, attribute);
    const passes = testName === void 0 ? (item) => truthy(subject(item)) : (item) => registry2.test(String(testName))(subject(item), ...positional);
    return toList(value).filter((item) => passes(item) === keep);
  };
  return {
    default: (value, fallback = "", onFalsy = false) => value === void 0 || onFalsy && !truthy(value) ? fallback : value,
    mandatory: (value, message) => {
      if (value === void 0)
        throw new Error(message ?? "mandatory variable not defined");
      return value;
    },
    ternary: (value, whenTrue, whenFalse, whenNone) => {
      if (value === null && whenNone !== void 0)
        return whenNone;
      return truthy(value) ? whenTrue : whenFalse;
    },
    // Strings
    lower: (value) => pyStr(value).toLowerCase(),
    upper: (value) => pyStr(value).toUpperCase(),
    trim: (value, chars) => {
      const text = pyStr(value);
      if (chars === void 0)
        return text.trim();
      let start = 0;
      let end = text.length;
      while (start < end && chars.includes(text[start]))
        start++;
      while (end > start && chars.includes(text[end - 1]))
        end--;
      return text.slice(start, end);
    },
    replace: (value, old, replacement, count) => {
      const parts = pyStr(value).split(String(old));
      if (count === void 0 || count < 0 || parts.length <= count + 1)
        return parts.join(String(replacement));
      return parts.slice(0, count + 1).join(String(replacement)) + String(old) + parts.slice(count + 1).join(String(old));
    },
    split: (value, separator, maxSplit = -1) => pySplit(pyStr(value), separator, maxSplit),
    quote: (value) => {
      const text = pyStr(value);
      if (text === "")
        return "''";
      if (/^[\w@%+=:,./-]+$/.test(text))
        return text;
      return `'${text.replace(/'/g, `'"'"'`)}'`;
    },
    string: (value) => value === null ? "None" : pyStr(value),
    format: (format2, ...args) => {
      let next = 0;
      return String(format2).replace(/%([sdfr%])/g, (_, kind) => {
        if (kind === "%")
          return "%";
        const arg = args[next++];
        if (kind === "d")
          return String(toInt(arg, 0, 10));
        if (kind === "r")
          return pyRepr(arg);
        return kind === "f" ? Number(arg).toFixed(6) : pyStr(arg);
      });
    },
    // Types
    int: (value, fallback = 0, base = 10) => toInt(value, fallback, base),
    float: (value, fallback = 0) => {
      if (typeof value === "boolean")
        return value ? 1 : 0;
      const parsed = typeof value === "number" ? value : Number(String(value ?? "").trim());
      return value === "" || value === null || Number.isNaN(parsed) ? fallback : parsed;
    },
    bool: (value) => value === null || value === void 0 ? null : ansibleBool(value),
    type_debug: (value) => {
      if (value === null || value === void 0)
        return "NoneType";
      if (Array.isArray(value))
        return "list";
      const kind = typeof value;
      if (kind === "number")
        return Number.isInteger(value) ? "int" : "float";
      return { string: "str", boolean: "bool", object: "dict" }[kind] ?? kind;
    },
    // Sequences
    length: (value) => {
      if (value instanceof Map || value instanceof Set)
        return value.size;
      if (typeof value === "string" || Array.isArray(value))
        return value.length;
      if (value && typeof value === "object")
        return Object.keys(value).length;
      throw new Error(`object of type '${typeof value}' has no len()`);
    },
    first: (value) => toList(value)[0],
    last: (value) => {
      const items = toList(value);
      return items[items.length - 1];
    },
    list: (value) => [...toList(value)],
    unique: (value) => uniqueBy(toList(value)),
    reverse: (value) => typeof value === "string" ? [...value].reverse().join("") : [...toList(value)].reverse(),
    sort: (value, ...args) => {
      const { reverse, case_sensitive, attribute } = bindArguments(args, ["reverse", "case_sensitive", "attribute"], {
        reverse: false,
        case_sensitive: false,
        attribute: void 0
      });
      const key = (item) => attribute === void 0 ? item : attributePath(item, attribute);
      const sorted = [...toList(value)].sort((a, b) => compareForSort(key(a), key(b), case_sensitive));
      return reverse ? sorted.reverse() : sorted;
    },
    join: (value, ...args) => {
      const { d, attribute } = bindArguments(args, ["d", "attribute"], { d: "", attribute: void 0 });
      const items = toList(value).map((item) => attribute === void 0 ? item : attributePath(item, attribute));
      return items.map(pyStr).join(pyStr(d));
    },
    flatten: (value, levels) => {
      const flat = (items, depth) => items.flatMap((item) => Array.isArray(item) && (levels === void 0 || depth < levels) ? flat(item, depth + 1) : [item]);
      return flat(toList(value), 0);
    },
    min: (value) => [...toList(value)].sort((a, b) => compareForSort(a, b, true))[0],
    max: (value) => [...toList(value)].sort((a, b) => compareForSort(b, a, true))[0],
    sum: (value, ...args) => {
      const { attribute, start } = bindArguments(args, ["attribute", "start"], { attribute: void 0, start: 0 });
      return toList(value).reduce((total, item) => total + Number(attribute ? attributePath(item, attribute) : item), start);
    },
    difference: (value, other) => uniqueBy(toList(value).filter((a) => !toList(other).some((b) => pyEquals(a, b)))),
    intersect: (value, other) => uniqueBy(toList(value).filter((a) => toList(other).some((b) => pyEquals(a, b)))),
    union: (value, other) => uniqueBy([...toList(value), ...toList(other)]),
    zip: (value, ...others) => {
      const lists = [toList(value), ...others.map(toList)];
      const length = Math.min(...lists.map((l) => l.length));
      return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
    },
    map: (value, ...args) => {
      const [positional, keywords] = splitKeywords(args);
      const items = toList(value);
      if ("attribute" in keywords) {
        const path3 = String(keywords.attribute);
        return items.map((item) => {
          const found = attributePath(item, path3);
          if (found === void 0 && !("default" in keywords))
            throw new Error(`object has no attribute '${path3}'`);
          return found === void 0 ? keywords.default : found;
        });
      }
      const [name, ...rest] = positional;
      const filter = registry2.filter(String(name));
      return items.map((item) => filter(item, ...rest));
    },
    select: selectBy(true, false),
    reject: selectBy(false, false),
    selectattr: selectBy(true, true),
    rejectattr: selectBy(false, true)
  };
}

// dist/lib/template/filters-data.js
import path from "node:path";

// dist/lib/template/pyyaml.js
var IMPLICIT = /^(?:~|null|Null|NULL|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?|=|<<)$/;
function isScalar(value) {
  return value === null || value === void 0 || typeof value !== "object" || value instanceof String;
}
function plainAllowed(text, flow) {
  if (text === "" || IMPLICIT.test(text))
    return false;
  if (/^[\s]|[\s]$/.test(text) || /[\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text))
    return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[-?:][^\s,[\]{}]/.test(text))
    return false;
  if (/^[-?:]$/.test(text) || text.includes(": ") || text.includes(" #") || text.endsWith(":"))
    return false;
  if (flow && /[,[\]{}]/.test(text))
    return false;
  if (/^(?:---|\.\.\.)/.test(text))
    return false;
  return true;
}
function scalar(value, flow, indent) {
  if (value === null || value === void 0)
    return "null";
  if (typeof value === "boolean")
    return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isNaN(value))
      return ".nan";
    if (!Number.isFinite(value))
      return value > 0 ? ".inf" : "-.inf";
    return String(value);
  }
  const text = String(value);
  if (plainAllowed(text, flow))
    return text;
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text))
    return JSON.stringify(text);
  const lines2 = text.replace(/'/g, "''").split("\n");
  return `'${lines2.map((line, i) => i === 0 ? line : `${indent}${line}`).join("\n\n")}'`;
}
function entries2(value, sortKeys) {
  const list = Object.entries(value);
  return sortKeys ? list.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0) : list;
}
function flowStyle(value, options) {
  if (options.flow === true)
    return true;
  if (options.flow === false)
    return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.every(isScalar);
}
function flowCollection(value, options) {
  if (Array.isArray(value))
    return `[${value.map((item) => isScalar(item) ? scalar(item, true, "") : flowCollection(item, options)).join(", ")}]`;
  const pairs = entries2(value, options.sortKeys);
  return `{${pairs.map(([k, v]) => `${scalar(k, true, "")}: ${isScalar(v) ? scalar(v, true, "") : flowCollection(v, options)}`).join(", ")}}`;
}
function isEmpty(value) {
  return Array.isArray(value) ? value.length === 0 : isPlainObject(value) && Object.keys(value).length === 0;
}
function block(value, column, options) {
  const pad2 = " ".repeat(column);
  if (Array.isArray(value)) {
    const lines3 = [];
    for (const item of value) {
      const itemColumn = column + options.indent;
      const dash = `-${" ".repeat(options.indent - 1)}`;
      if (isScalar(item) || isEmpty(item) || flowStyle(item, options)) {
        lines3.push(`${pad2}- ${isScalar(item) ? scalar(item, false, " ".repeat(itemColumn)) : flowCollection(item, options)}`);
        continue;
      }
      const inner = block(item, itemColumn, options);
      lines3.push(`${pad2}${dash}${inner[0].slice(itemColumn)}`, ...inner.slice(1));
    }
    return lines3;
  }
  const lines2 = [];
  for (const [key, item] of entries2(value, options.sortKeys)) {
    const head2 = `${pad2}${scalar(key, false, pad2)}:`;
    if (isScalar(item))
      lines2.push(`${head2} ${scalar(item, false, " ".repeat(column + options.indent))}`);
    else if (isEmpty(item) || flowStyle(item, options))
      lines2.push(`${head2} ${flowCollection(item, options)}`);
    else
      lines2.push(head2, ...block(item, Array.isArray(item) ? column : column + options.indent, options));
  }
  return lines2;
}
function dumpYaml(value, options) {
  if (isScalar(value)) {
    const text = scalar(value, false, " ".repeat(options.indent));
    return text === String(value ?? "") && !/^'/.test(text) && typeof value === "string" ? `${text}
...
` : `${text}
`;
  }
  if (isEmpty(value) || flowStyle(value, options))
    return `${flowCollection(value, options)}
`;
  return `${block(value, 0, options).join("\n")}
`;
}

// dist/lib/template/filters-data.js
function pythonJson(value, indent, sortKeys = false, level = 0) {
  if (value === void 0 || value === null)
    return "null";
  if (typeof value === "number")
    return Number.isFinite(value) ? String(value) : value > 0 ? "Infinity" : value < 0 ? "-Infinity" : "NaN";
  if (typeof value !== "object" || value instanceof String)
    return asciiJson(JSON.stringify(value instanceof String ? String(value) : value));
  const pad2 = indent === void 0 ? "" : "\n" + " ".repeat(indent * (level + 1));
  const close = indent === void 0 ? "" : "\n" + " ".repeat(indent * level);
  const separator = indent === void 0 ? ", " : ",";
  if (Array.isArray(value)) {
    if (value.length === 0)
      return "[]";
    return `[${pad2}${value.map((item) => pythonJson(item, indent, sortKeys, level + 1)).join(separator + pad2)}${close}]`;
  }
  const entries3 = value instanceof Map ? [...value].map(([k, v]) => [String(k), v]) : Object.entries(value);
  if (sortKeys)
    entries3.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  if (entries3.length === 0)
    return "{}";
  const body = entries3.map(([k, v]) => `${asciiJson(JSON.stringify(k))}: ${pythonJson(v, indent, sortKeys, level + 1)}`);
  return `{${pad2}${body.join(separator + pad2)}${close}}`;
}
function asciiJson(text) {
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
function pythonRegex(pattern, flags = {}, extra = "") {
  const source = String(pattern).replace(/\(\?P<(\w+)>/g, "(?<$1>").replace(/\(\?P=(\w+)\)/g, "\\k<$1>").replace(/\\A/g, "^").replace(/\\Z/g, "$");
  let jsFlags = extra;
  if (flags.ignorecase)
    jsFlags += "i";
  if (flags.multiline)
    jsFlags += "m";
  return new RegExp(source, jsFlags);
}
function pythonReplacement(replacement) {
  return String(replacement).replace(/\$/g, "$$$$").replace(/\\g<(\d+)>/g, "$$$1").replace(/\\g<(\w+)>/g, "$$<$1>").replace(/\\(\d+)/g, "$$$1");
}
function mergeDicts(base, other, recursive, listMerge) {
  const out = { ...base };
  for (const [key, value] of Object.entries(other)) {
    const existing = out[key];
    if (recursive && isPlainObject(existing) && isPlainObject(value))
      out[key] = mergeDicts(existing, value, recursive, listMerge);
    else if (Array.isArray(existing) && Array.isArray(value) && listMerge !== "replace") {
      if (listMerge === "append")
        out[key] = [...existing, ...value];
      else if (listMerge === "prepend")
        out[key] = [...value, ...existing];
      else if (listMerge === "append_rp")
        out[key] = [...existing.filter((x) => !value.includes(x)), ...value];
      else if (listMerge === "prepend_rp")
        out[key] = [...value, ...existing.filter((x) => !value.includes(x))];
      else if (listMerge === "keep")
        out[key] = existing;
      else
        throw new Error(`combine: unknown list_merge '${listMerge}'`);
    } else
      out[key] = value;
  }
  return out;
}
function requireMapping(value, filter) {
  if (!isPlainObject(value))
    throw new Error(`${filter} requires a dictionary, got ${Array.isArray(value) ? "a list" : typeof value}`);
  return value;
}
function dataFilters() {
  return {
    to_json: (value, ...args) => {
      const { indent, sort_keys } = bindArguments(args, ["indent", "sort_keys"], { indent: void 0, sort_keys: false });
      return pythonJson(value, indent, sort_keys);
    },
    to_nice_json: (value, ...args) => {
      const { indent, sort_keys } = bindArguments(args, ["indent", "sort_keys"], { indent: 4, sort_keys: true });
      return pythonJson(value, indent, sort_keys);
    },
    from_json: (value) => JSON.parse(pyStr(value)),
    to_yaml: (value, ...args) => {
      const { indent, sort_keys } = bindArguments(args, ["indent", "sort_keys"], { indent: 2, sort_keys: true });
      return dumpYaml(value, { indent, flow: null, sortKeys: sort_keys });
    },
    to_nice_yaml: (value, ...args) => {
      const { indent, sort_keys } = bindArguments(args, ["indent", "sort_keys"], { indent: 4, sort_keys: true });
      return dumpYaml(value, { indent, flow: false, sortKeys: sort_keys });
    },
    from_yaml: (value) => yaml.load(pyStr(value)),
    b64encode: (value) => Buffer.from(pyStr(value), "utf8").toString("base64"),
    b64decode: (value) => Buffer.from(pyStr(value), "base64").toString("utf8"),
    basename: (value) => path.posix.basename(pyStr(value)),
    dirname: (value) => {
      const text = pyStr(value);
      const slash = text.lastIndexOf("/");
      if (slash < 0)
        return "";
      const head2 = text.slice(0, slash + 1);
      return /^\/+$/.test(head2) ? head2 : head2.replace(/\/+$/, "");
    },
    splitext: (value) => {
      const text = pyStr(value);
      const ext = path.posix.extname(text);
      return PyTuple.from([text.slice(0, text.length - ext.length), ext]);
    },
    expanduser: (value) => pyStr(value).replace(/^~(?=\/|$)/, process.env.HOME ?? "~"),
    regex_replace: (value, pattern, replacement = "", ...args) => {
      const [positional, flags] = splitKeywords(args);
      const regex = pythonRegex(pattern, { ignorecase: positional[0], multiline: positional[1], ...flags }, "g");
      return pyStr(value).replace(regex, pythonReplacement(replacement));
    },
    regex_search: (value, pattern, ...args) => {
      const [groups, flags] = splitKeywords(args);
      const match = pythonRegex(pattern, flags).exec(pyStr(value));
      if (!match)
        return groups.length ? [] : null;
      if (!groups.length)
        return match[0];
      return groups.map((group) => {
        const spec = String(group);
        const numbered = /^\\(\d+)$/.exec(spec);
        if (numbered)
          return match[Number(numbered[1])];
        const named = /^\\g<(\w+)>$/.exec(spec);
        if (named)
          return match.groups?.[named[1]];
        throw new Error(`regex_search: unknown group reference '${spec}'`);
      });
    },
    regex_findall: (value, pattern, ...args) => {
      const [, flags] = splitKeywords(args);
      const matches = [...pyStr(value).matchAll(pythonRegex(pattern, flags, "g"))];
      return matches.map((m) => m.length === 1 ? m[0] : m.length === 2 ? m[1] : m.slice(1));
    },
    regex_escape: (value) => pyStr(value).replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"),
    combine: (value, ...args) => {
      const [others, keywords] = splitKeywords(args);
      const recursive = Boolean(keywords.recursive);
      const listMerge = String(keywords.list_merge ?? "replace");
      const dicts = [value, ...others].flatMap((d) => Array.isArray(d) ? d : [d]);
      return dicts.reduce((acc, d) => mergeDicts(acc, requireMapping(d, "combine"), recursive, listMerge), {});
    },
    dict2items: (value, ...args) => {
      const { key_name, value_name } = bindArguments(args, ["key_name", "value_name"], { key_name: "key", value_name: "value" });
      return Object.entries(requireMapping(value, "dict2items")).map(([k, v]) => ({ [key_name]: k, [value_name]: v }));
    },
    items2dict: (value, ...args) => {
      const { key_name, value_name } = bindArguments(args, ["key_name", "value_name"], { key_name: "key", value_name: "value" });
      const out = {};
      for (const item of toList(value)) {
        const entry = requireMapping(item, "items2dict");
        out[pyStr(entry[key_name])] = entry[value_name];
      }
      return out;
    },
    dictsort: (value, caseSensitive = false, by = "key") => {
      const index = by === "value" ? 1 : 0;
      const norm = (x) => !caseSensitive && typeof x === "string" ? x.toLowerCase() : x;
      return Object.entries(requireMapping(value, "dictsort")).map((pair) => PyTuple.from(pair)).sort((a, b) => norm(a[index]) < norm(b[index]) ? -1 : norm(a[index]) > norm(b[index]) ? 1 : 0);
    }
  };
}

// dist/lib/template/runtime-helpers.js
var UndefinedVariableError = class extends Error {
  variable;
  lineno;
  detail;
  constructor(variable, lineno, detail = "") {
    super(`undefined variable '${variable}'${detail}`);
    this.variable = variable;
    this.lineno = lineno;
    this.detail = detail;
    this.name = "UndefinedVariableError";
  }
};
var hasOwn = Object.prototype.hasOwnProperty;
function lookupMember(obj, key) {
  if (obj instanceof Map)
    return obj.get(key);
  if (obj instanceof String)
    obj = obj.toString();
  if (typeof key === "number" && (Array.isArray(obj) || typeof obj === "string")) {
    const index = key < 0 ? obj.length + key : key;
    return index >= 0 && index < obj.length ? obj[index] : void 0;
  }
  if (obj === null || typeof obj !== "object" && typeof obj !== "string")
    return void 0;
  const name = String(key);
  if (hasOwn.call(obj, name))
    return obj[name];
  return pythonMethod(obj, name);
}
var runtimeHelpers = {
  /** Strict top-level variable read. */
  defined(value, name, lineno) {
    if (value === void 0)
      throw new UndefinedVariableError(name, lineno);
    return value;
  },
  /** A lookup where undefined is allowed (`x | default()`): a variable whose own template is undefined is undefined too. */
  optional(read) {
    try {
      return read();
    } catch (error) {
      if (error instanceof UndefinedVariableError)
        return void 0;
      throw error;
    }
  },
  /** `target.key`; `optional` when under `default()`/`is defined`, where undefined propagates. */
  member(context, target, key, optional, path3, lineno) {
    let value;
    try {
      value = target === void 0 || target === null ? void 0 : context.resolveNested(lookupMember(target, key));
    } catch (error) {
      if (!(optional && error instanceof UndefinedVariableError))
        throw error;
    }
    if (value === void 0 && !optional) {
      const owner = path3.slice(0, Math.max(path3.lastIndexOf("."), path3.lastIndexOf("["), 0));
      const detail = target === null ? ` ('${owner}' is None)` : target === void 0 ? "" : ` ('${owner}' has no attribute ${JSON.stringify(String(key))})`;
      throw new UndefinedVariableError(path3, lineno, detail);
    }
    return value;
  },
  str: pyStr,
  eq: pyEquals,
  truthy,
  or(left, right) {
    return truthy(left) ? left : right();
  },
  and(left, right) {
    return truthy(left) ? right() : left;
  },
  /** Python `+`: lists concatenate. */
  add(left, right) {
    if (Array.isArray(left) && Array.isArray(right))
      return [...left, ...right];
    return left + right;
  },
  tuple(items) {
    return PyTuple.from(items);
  },
  /** `{% set ns.attr = value %}`: only namespaces may be changed this way, as in Jinja2. */
  setAttribute(target, key, value) {
    if (target === null || typeof target !== "object" || target.constructor?.name !== "Namespace") {
      throw new Error(`can only set attributes of a namespace(), not of '${pyStr(target)}'`);
    }
    target[String(key)] = value;
  },
  /** `a ~ b`: str() of both, None as 'None'. */
  cat(left, right) {
    return pyStrNone(left) + pyStrNone(right);
  },
  /** Python `%`: printf-style formatting of a string, else a modulo with the divisor's sign. */
  mod(left, right) {
    if (typeof left === "string" || left instanceof String)
      return pyPercentFormat(String(left), right);
    const l = left;
    const r = right;
    if (r === 0)
      throw new Error("integer division or modulo by zero");
    return (l % r + r) % r;
  },
  /** Python `*`: strings and lists repeat. */
  mul(left, right) {
    if (typeof left === "number" && (typeof right === "string" || Array.isArray(right)))
      [left, right] = [right, left];
    if (typeof left === "string")
      return left.repeat(Math.max(0, right));
    if (Array.isArray(left))
      return Array.from({ length: Math.max(0, right) }, () => left).flat(1);
    return left * right;
  },
  /** `seq[start:stop:step]` with Python's rules for negative and missing bounds. */
  slice(target, bounds) {
    const text = typeof target === "string" ? target : void 0;
    const items = text !== void 0 ? [...text] : Array.isArray(target) ? target : [];
    if (text === void 0 && !Array.isArray(target))
      throw new Error(`'${pyStr(target)}' cannot be sliced`);
    const [start, stop, step = 1] = bounds.map((b) => b === null ? void 0 : b);
    const length = items.length;
    const stepBy = step ?? 1;
    if (stepBy === 0)
      throw new Error("slice step cannot be zero");
    const clamp = (value, fallback, low, high) => {
      if (value === void 0)
        return fallback;
      const v = value < 0 ? value + length : value;
      return Math.min(Math.max(v, low), high);
    };
    const out = [];
    if (stepBy > 0) {
      for (let i = clamp(start, 0, 0, length), end = clamp(stop, length, 0, length); i < end; i += stepBy)
        out.push(items[i]);
    } else {
      for (let i = clamp(start, length - 1, -1, length - 1), end = clamp(stop, -1, -1, length - 1); i > end; i += stepBy)
        out.push(items[i]);
    }
    return text !== void 0 ? out.join("") : out;
  },
  /** `for x in mapping` iterates keys in Python; nunjucks would iterate nothing. */
  iterable(value) {
    if (isPlainObject(value))
      return Object.keys(value);
    if (value instanceof Map)
      return [...value.keys()];
    if (typeof value === "string")
      return [...value];
    return value;
  }
};

// dist/lib/template/tests.js
function resultFlag(result, flag, test) {
  if (!isPlainObject(result))
    throw new Error(`the '${test}' test expects a task result (a dictionary)`);
  return truthy(result[flag]);
}
function isSequence(value) {
  return typeof value === "string" || Array.isArray(value) || isPlainObject(value) || value instanceof Map || value instanceof Set;
}
function regexTest(anchor) {
  return (value, pattern, ...args) => {
    const [positional, flags] = splitKeywords(args);
    const regex = pythonRegex(pattern, { ignorecase: positional[0], multiline: positional[1], ...flags }, "y");
    const text = pyStr(value);
    if (anchor === "none")
      return new RegExp(regex.source, regex.flags.replace("y", "")).test(text);
    const match = regex.exec(text);
    return match !== null && (anchor === "start" || match[0].length === text.length);
  };
}
function compareVersions(a, b) {
  const split = (v) => v.split(/[.\-+_]/).map((part2) => /^\d+$/.test(part2) ? Number(part2) : part2);
  const left = split(a);
  const right = split(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? 0;
    const y = right[i] ?? 0;
    if (x === y)
      continue;
    if (typeof x === "number" && typeof y === "number")
      return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
var VERSION_OPERATORS = {
  "<": (c) => c < 0,
  lt: (c) => c < 0,
  "<=": (c) => c <= 0,
  le: (c) => c <= 0,
  ">": (c) => c > 0,
  gt: (c) => c > 0,
  ">=": (c) => c >= 0,
  ge: (c) => c >= 0,
  "==": (c) => c === 0,
  "=": (c) => c === 0,
  eq: (c) => c === 0,
  "!=": (c) => c !== 0,
  "<>": (c) => c !== 0,
  ne: (c) => c !== 0
};
function ansibleTests() {
  const failed = (r) => resultFlag(r, "failed", "failed");
  const succeeded = (r) => !resultFlag(r, "failed", "succeeded");
  const changed = (r) => resultFlag(r, "changed", "changed");
  const skipped = (r) => resultFlag(r, "skipped", "skipped");
  const version = (value, other, operator = "==") => {
    const check = VERSION_OPERATORS[String(operator)];
    if (!check)
      throw new Error(`version: unknown operator '${operator}'`);
    return check(compareVersions(pyStr(value), pyStr(other)));
  };
  const contains2 = (container, item) => toList(container).some((x) => pyEquals(x, item));
  return {
    defined: (value) => value !== void 0,
    undefined: (value) => value === void 0,
    none: (value) => value === null,
    string: (value) => typeof value === "string" || value instanceof String,
    number: (value) => typeof value === "number",
    integer: (value) => Number.isInteger(value),
    float: (value) => typeof value === "number" && !Number.isInteger(value),
    boolean: (value) => typeof value === "boolean",
    mapping: (value) => isPlainObject(value) || value instanceof Map,
    sequence: isSequence,
    iterable: isSequence,
    truthy: (value) => truthy(value),
    falsy: (value) => !truthy(value),
    succeeded,
    success: succeeded,
    successful: succeeded,
    true: (value) => value === true,
    false: (value) => value === false,
    failed,
    failure: failed,
    changed,
    change: changed,
    skipped,
    skip: skipped,
    match: regexTest("start"),
    search: regexTest("none"),
    regex: (value, pattern, ...args) => {
      const [, flags] = splitKeywords(args);
      return flags.match_type === "match" ? regexTest("start")(value, pattern, ...args) : regexTest("none")(value, pattern, ...args);
    },
    in: (value, container) => typeof container === "string" ? container.includes(pyStr(value)) : isPlainObject(container) ? Object.hasOwn(container, pyStr(value)) : contains2(container, value),
    contains: contains2,
    equalto: (a, b) => pyEquals(a, b),
    eq: (a, b) => pyEquals(a, b),
    ne: (a, b) => !pyEquals(a, b),
    sameas: (a, b) => a === b,
    issubset: (a, b) => toList(a).every((x) => contains2(b, x)),
    subset: (a, b) => toList(a).every((x) => contains2(b, x)),
    issuperset: (a, b) => toList(b).every((x) => contains2(a, x)),
    superset: (a, b) => toList(b).every((x) => contains2(a, x)),
    version,
    version_compare: version,
    divisibleby: (value, n) => value % n === 0,
    even: (value) => value % 2 === 0,
    odd: (value) => Math.abs(value % 2) === 1,
    lower: (value) => typeof value === "string" && value === value.toLowerCase(),
    upper: (value) => typeof value === "string" && value === value.toUpperCase(),
    abs: (value) => typeof value === "string" && value.startsWith("/"),
    exists: () => {
      throw new Error("the 'exists' test checks the controller's filesystem and is not supported");
    }
  };
}

// dist/lib/template/filters-more.js
import { createHash as createHash3 } from "node:crypto";
import path2 from "node:path";
import { createRequire as createRequire4 } from "node:module";
var require4 = createRequire4(import.meta.url);
var jmespath;
function uniqueBy2(items) {
  const out = [];
  for (const item of items)
    if (!out.some((seen) => pyEquals(seen, item)))
      out.push(item);
  return out;
}
function digest(algorithm, value) {
  return createHash3(algorithm).update(pyStr(value), "utf8").digest("hex");
}
function product(lists) {
  let out = [PyTuple.of()];
  for (const list of lists)
    out = out.flatMap((prefix) => list.map((item) => PyTuple.from([...prefix, item])));
  return out;
}
function combinations(items, size2) {
  if (size2 === 0)
    return [PyTuple.of()];
  const out = [];
  items.forEach((item, i) => {
    for (const rest of combinations(items.slice(i + 1), size2 - 1))
      out.push(PyTuple.from([item, ...rest]));
  });
  return out;
}
function permutations(items, size2) {
  if (size2 === 0)
    return [PyTuple.of()];
  const out = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)], size2 - 1))
      out.push(PyTuple.from([item, ...rest]));
  });
  return out;
}
var COMMENT_STYLES = {
  plain: { decoration: "# ", prefix: "#", prefix_count: 1, postfix: "#", postfix_count: 1, newline: "\n" },
  erlang: { decoration: "% ", prefix: "%", prefix_count: 1, postfix: "%", postfix_count: 1, newline: "\n" },
  c: { decoration: "// ", prefix: "//", prefix_count: 1, postfix: "//", postfix_count: 1, newline: "\n" },
  cblock: { beginning: "/*", decoration: " * ", end: " */", prefix: "", prefix_count: 1, postfix: "", postfix_count: 1, newline: "\n" },
  xml: { beginning: "<!--", decoration: " - ", end: "-->", prefix: "", prefix_count: 1, postfix: "", postfix_count: 1, newline: "\n" }
};
function comment(text, style = "plain", options = {}) {
  const p = { ...COMMENT_STYLES[style] ?? COMMENT_STYLES.plain, ...style === "plain" ? {} : {}, ...options };
  if (style in COMMENT_STYLES && style !== "plain" && options.decoration === void 0)
    p.decoration = COMMENT_STYLES[style].decoration;
  const newline = String(p.newline);
  const decoration = String(p.decoration);
  const beginning = p.beginning === void 0 ? "" : String(p.beginning);
  const end = p.end === void 0 ? "" : String(p.end);
  const prefix = String(p.prefix);
  const postfix = String(p.postfix);
  const prefixCount = Number(p.prefix_count);
  const postfixCount = Number(p.postfix_count);
  const prefixLines = prefix ? Array.from({ length: prefixCount }, () => decoration.trimEnd() === "" ? prefix : prefix).join(newline) : "";
  const postfixLines = postfix ? Array.from({ length: postfixCount }, () => postfix).join(newline) : "";
  const body = pyStr(text).split("\n").map((line) => (decoration + line).trimEnd() === decoration.trimEnd() && line === "" ? decoration.trimEnd() : decoration + line).join(newline);
  let out = "";
  if (beginning)
    out += beginning + newline;
  if (prefixLines)
    out += prefixLines + newline;
  out += body;
  if (postfixLines)
    out += newline + postfixLines;
  if (end)
    out += newline + end;
  return out;
}
var SIZE_UNITS = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"];
function humanToBytes(value, defaultUnit, isBits = false) {
  const m = /^\s*(\d*\.?\d+)\s*([A-Za-z]*)\s*$/.exec(pyStr(value));
  if (!m)
    throw new Error(`human_to_bytes() can't interpret following string: ${pyStr(value)}`);
  const unit = (m[2] || defaultUnit || "").replace(/i?[bB]$/, "").toUpperCase();
  const power = SIZE_UNITS.indexOf(unit);
  if (power < 0)
    throw new Error(`human_to_bytes() failed to convert ${pyStr(value)}`);
  const bits = isBits ? 1 : 1;
  return Math.round(Number(m[1]) * 1024 ** power * bits);
}
function humanReadable(value, isBits = false, unit) {
  const n = Number(value);
  const suffix = isBits ? "b" : "B";
  let power = SIZE_UNITS.length - 1;
  if (unit)
    power = SIZE_UNITS.indexOf(unit[0].toUpperCase());
  else
    while (power > 0 && n < 1024 ** power)
      power--;
  return `${(n / 1024 ** power).toFixed(2)} ${SIZE_UNITS[power]}${suffix}`;
}
function urlQuote(text, safe, forQuery) {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(c) || safe.includes(c))
      out += c;
    else if (forQuery && c === " ")
      out += "+";
    else
      out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
function extreme(sign) {
  return (value, ...args) => {
    const { case_sensitive, attribute } = bindArguments(args, ["case_sensitive", "attribute"], { case_sensitive: false, attribute: void 0 });
    const key = (item) => {
      const v = attribute === void 0 ? item : attributePath(item, String(attribute));
      return !case_sensitive && typeof v === "string" ? v.toLowerCase() : v;
    };
    let best;
    let bestKey;
    for (const item of toList(value)) {
      const k = key(item);
      if (best === void 0 || (sign > 0 ? k > bestKey : k < bestKey))
        [best, bestKey] = [item, k];
    }
    return best;
  };
}
function moreFilters() {
  return {
    max: extreme(1),
    min: extreme(-1),
    indent: (value, ...args) => {
      const { width, first, blank } = bindArguments(args, ["width", "first", "blank"], { width: 4, first: false, blank: false });
      const indention = typeof width === "string" ? width : " ".repeat(Number(width));
      const lines2 = `${pyStr(value)}
`.split("\n").slice(0, -1);
      let out;
      if (blank)
        out = lines2.join(`
${indention}`);
      else
        out = [lines2[0], ...lines2.slice(1).map((line) => line ? indention + line : line)].join("\n");
      return first ? indention + out : out;
    },
    groupby: (value, attribute) => {
      const groups = [];
      const sorted = [...toList(value)].sort((a, b) => {
        const ka = attributePath(a, String(attribute));
        const kb = attributePath(b, String(attribute));
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
      for (const item of sorted) {
        const key = attributePath(item, String(attribute));
        const last = groups[groups.length - 1];
        if (last && pyEquals(last[0], key))
          last[1].push(item);
        else
          groups.push([key, [item]]);
      }
      return groups.map((group) => PyTuple.from(group));
    },
    urlencode: (value) => {
      if (typeof value === "string")
        return urlQuote(value, "/", false);
      const pairs = isPlainObject(value) ? Object.entries(value) : toList(value).map((pair) => pair);
      return pairs.map(([k, v]) => `${urlQuote(pyStr(k), "", true)}=${urlQuote(pyStr(v), "", true)}`).join("&");
    },
    hash: (value, algorithm = "sha1") => digest(String(algorithm), value),
    checksum: (value) => digest("sha1", value),
    sha1: (value) => digest("sha1", value),
    md5: (value) => digest("md5", value),
    path_join: (value) => typeof value === "string" ? value : path2.posix.join(...toList(value).map(pyStr)).replace(/^(?=.)/, (_) => ""),
    urlsplit: (value, query3 = "") => {
      const url = new URL(pyStr(value));
      const parts = {
        fragment: url.hash.replace(/^#/, ""),
        hostname: url.hostname,
        netloc: url.host,
        password: url.password || null,
        path: url.pathname,
        port: url.port ? Number(url.port) : null,
        query: url.search.replace(/^\?/, ""),
        scheme: url.protocol.replace(/:$/, ""),
        username: url.username || null
      };
      if (!query3)
        return parts;
      if (!Object.hasOwn(parts, query3))
        throw new Error(`urlsplit: unknown URL component: ${query3}`);
      return parts[query3];
    },
    symmetric_difference: (value, other) => {
      const a = toList(value);
      const b = toList(other);
      return uniqueBy2([...a.filter((x) => !b.some((y) => pyEquals(x, y))), ...b.filter((y) => !a.some((x) => pyEquals(x, y)))]);
    },
    product: (value, ...args) => {
      const [lists, keywords] = splitKeywords(args);
      const all = [toList(value), ...lists.map(toList)];
      const repeat = Number(keywords.repeat ?? 1);
      return product(Array.from({ length: repeat }, () => all).flat());
    },
    permutations: (value, size2) => {
      const items = toList(value);
      return permutations(items, size2 ?? items.length);
    },
    combinations: (value, size2) => combinations(toList(value), Number(size2)),
    zip_longest: (value, ...args) => {
      const [others, keywords] = splitKeywords(args);
      const lists = [toList(value), ...others.map(toList)];
      const length = Math.max(...lists.map((l) => l.length));
      const fill2 = keywords.fillvalue ?? null;
      return Array.from({ length }, (_, i) => PyTuple.from(lists.map((l) => i < l.length ? l[i] : fill2)));
    },
    comment: (value, ...args) => {
      const [positional, keywords] = splitKeywords(args);
      return comment(value, positional[0] === void 0 ? "plain" : String(positional[0]), keywords);
    },
    extract: (item, container, morekeys) => {
      const lookup2 = (obj, key) => {
        if (Array.isArray(obj))
          return obj[Number(key)];
        if (isPlainObject(obj) && Object.hasOwn(obj, String(key)))
          return obj[String(key)];
        throw new Error(`'${pyStr(obj)}' has no key ${pyStr(key)}`);
      };
      let value = lookup2(container, item);
      const keys = morekeys === void 0 ? [] : Array.isArray(morekeys) ? morekeys : [morekeys];
      for (const key of keys)
        value = lookup2(value, key);
      return value;
    },
    to_uuid: (value, namespace = "361E6D51-FAEC-444A-9079-341386DA8E2E") => {
      const ns = Buffer.from(String(namespace).replace(/-/g, ""), "hex");
      const hash = createHash3("sha1").update(ns).update(pyStr(value), "utf8").digest();
      hash[6] = hash[6] & 15 | 80;
      hash[8] = hash[8] & 63 | 128;
      const hex = hash.subarray(0, 16).toString("hex");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    human_to_bytes: (value, defaultUnit, isBits = false) => humanToBytes(value, defaultUnit, isBits),
    human_readable: (value, isBits = false, unit) => humanReadable(value, isBits, unit),
    subelements: (value, ...args) => {
      const { subelements, skip_missing } = bindArguments(args, ["subelements", "skip_missing"], { subelements: "", skip_missing: false });
      const elements = isPlainObject(value) ? Object.values(value) : toList(value);
      if (typeof subelements !== "string")
        throw new Error("subelements must be a string");
      const out = [];
      for (const element of elements) {
        if (!isPlainObject(element))
          throw new Error(`the key ${subelements} should point to a dictionary, got '${pyStr(element)}'`);
        const values = attributePath(element, subelements);
        if (values === void 0) {
          if (skip_missing)
            continue;
          throw new Error(`could not find '${subelements}' key in iterated item`);
        }
        if (!Array.isArray(values))
          throw new Error(`the key ${subelements} should point to a list`);
        for (const sub of values)
          out.push([element, sub]);
      }
      return out;
    },
    items: (value) => isPlainObject(value) ? Object.entries(value).map((pair) => PyTuple.from(pair)) : [],
    attr: (value, name) => {
      if (isPlainObject(value) && Object.hasOwn(value, name))
        return value[name];
      return pythonMethod(value, String(name));
    },
    json_query: (value, expression) => (jmespath ??= require4("jmespath")).search(value, String(expression)),
    shuffle: (value) => {
      const items = [...toList(value)];
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
    wordwrap: (value, width = 79, breakLongWords = true, wrapstring = "\n") => {
      const words = pyStr(value).split(/\s+/).filter(Boolean);
      const lines2 = [];
      let line = "";
      for (let word of words) {
        while (breakLongWords && word.length > width) {
          if (line) {
            lines2.push(line);
            line = "";
          }
          lines2.push(word.slice(0, width));
          word = word.slice(width);
        }
        if (!line)
          line = word;
        else if (line.length + 1 + word.length <= width)
          line += ` ${word}`;
        else {
          lines2.push(line);
          line = word;
        }
      }
      if (line)
        lines2.push(line);
      return lines2.join(String(wrapstring));
    },
    filesizeformat: (value, binary = false) => {
      const bytes = Number(value);
      const base = binary ? 1024 : 1e3;
      const units = binary ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
      if (bytes === 1)
        return "1 Byte";
      if (bytes < base)
        return `${bytes} Bytes`;
      let unit = 0;
      while (unit < units.length - 1 && bytes >= base ** (unit + 2))
        unit++;
      return `${(bytes / base ** (unit + 1)).toFixed(1)} ${units[unit]}`;
    }
  };
}

// dist/lib/template/filters-network.js
var BITS = { 4: 32, 6: 128 };
function parseV4(text) {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return void 0;
  return parts.reduce((acc, p) => acc << 8n | BigInt(Number(p)), 0n);
}
function parseV6(text) {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":"))
    return void 0;
  const halves = text.split("::");
  if (halves.length > 2)
    return void 0;
  const groups = (half) => half === "" ? [] : half.split(":");
  const head2 = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head2.length - tail.length;
  if (halves.length === 1 && missing !== 0 || missing < 0)
    return void 0;
  const all = [...head2, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)))
    return void 0;
  return all.reduce((acc, g) => acc << 16n | BigInt(Number.parseInt(g, 16)), 0n);
}
function parseNetwork(value) {
  if (typeof value !== "string")
    return void 0;
  const [addr, prefixText, ...rest] = value.trim().split("/");
  if (rest.length)
    return void 0;
  const v4 = parseV4(addr);
  const v6 = v4 === void 0 ? parseV6(addr) : void 0;
  if (v4 === void 0 && v6 === void 0)
    return void 0;
  const version = v4 !== void 0 ? 4 : 6;
  const bits = BITS[version];
  let prefix = bits;
  if (prefixText !== void 0) {
    if (/^\d+$/.test(prefixText) && Number(prefixText) <= bits)
      prefix = Number(prefixText);
    else {
      const mask2 = version === 4 ? parseV4(prefixText) : void 0;
      if (mask2 === void 0)
        return void 0;
      prefix = mask2.toString(2).replace(/0+$/, "").length;
    }
  }
  return { version, address: v4 ?? v6, prefix, hasPrefix: prefixText !== void 0 };
}
function format(version, address) {
  if (version === 4)
    return [24n, 16n, 8n, 0n].map((shift) => String(address >> shift & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (address >> BigInt(112 - 16 * i) & 0xffffn).toString(16));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0")
      j++;
    if (j - i > bestLength)
      [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0)
    return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLength).join(":")}`;
}
function mask(net2) {
  const bits = BigInt(BITS[net2.version]);
  return (1n << bits) - 1n ^ (1n << bits - BigInt(net2.prefix)) - 1n;
}
function networkAddress(net2) {
  return net2.address & mask(net2);
}
function broadcastAddress(net2) {
  return networkAddress(net2) | (1n << BigInt(BITS[net2.version])) - 1n ^ mask(net2);
}
function size(net2) {
  return 1n << BigInt(BITS[net2.version] - net2.prefix);
}
var PRIVATE_V4 = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["169.254.0.0", 16],
  ["127.0.0.0", 8]
];
function inRange(address, base, prefix) {
  const net2 = { version: 4, address: parseV4(base), prefix, hasPrefix: true };
  return (address & mask(net2)) === networkAddress(net2);
}
function ipaddrOne(value, query3, version) {
  const net2 = parseNetwork(typeof value === "string" ? value : pyStr(value));
  if (!net2 || version && net2.version !== version)
    return false;
  const addr = (a) => format(net2.version, a);
  if (typeof query3 === "number" || typeof query3 === "string" && /^-?\d+$/.test(query3)) {
    const n = BigInt(Number(query3));
    if (!net2.hasPrefix && net2.prefix === BITS[net2.version])
      return false;
    const target = n >= 0n ? networkAddress(net2) + n : broadcastAddress(net2) + n + 1n;
    if (target < networkAddress(net2) || target > broadcastAddress(net2))
      return false;
    return `${addr(target)}/${net2.prefix}`;
  }
  switch (query3 ?? "") {
    case "":
    case "host/prefix":
      if (query3 === "host/prefix" && (net2.address === networkAddress(net2) && net2.prefix < BITS[net2.version] - 1))
        return false;
      return typeof value === "string" ? value.trim() : pyStr(value);
    case "address":
      return addr(net2.address);
    case "network":
      return addr(networkAddress(net2));
    case "netmask":
      return addr(mask(net2));
    case "prefix":
      return net2.prefix;
    case "broadcast":
      return net2.version === 4 && net2.prefix < 31 ? addr(broadcastAddress(net2)) : null;
    case "network/prefix":
    case "subnet":
    case "cidr":
      return `${addr(networkAddress(net2))}/${net2.prefix}`;
    case "host":
      return `${addr(net2.address)}/${net2.prefix}`;
    case "size":
      return Number(size(net2));
    case "int":
      return Number(net2.address);
    case "revdns":
      return net2.version === 4 ? `${addr(net2.address).split(".").reverse().join(".")}.in-addr.arpa.` : `${net2.address.toString(16).padStart(32, "0").split("").reverse().join(".")}.ip6.arpa.`;
    case "private":
      return net2.version === 4 && PRIVATE_V4.some(([base, prefix]) => inRange(net2.address, base, prefix)) ? typeof value === "string" ? value : pyStr(value) : null;
    case "public":
      return net2.version === 4 && !PRIVATE_V4.some(([base, prefix]) => inRange(net2.address, base, prefix)) ? typeof value === "string" ? value : pyStr(value) : null;
    case "ipv4":
    case "ipv6":
      return net2.version === (query3 === "ipv4" ? 4 : 6) ? typeof value === "string" ? value : pyStr(value) : false;
    default:
      throw new Error(`ipaddr: unknown filter type: ${pyStr(query3)} (runbook supports address, network, netmask, prefix, broadcast, network/prefix, host, host/prefix, size, int, revdns, public, private, and indexes)`);
  }
}
function ipaddrFilter(version) {
  return (value, query3 = "") => {
    if (Array.isArray(value))
      return value.map((item) => ipaddrOne(item, query3, version)).filter((item) => item !== false && item !== null);
    const result = ipaddrOne(value, query3, version);
    return result;
  };
}
function contains(outer, inner) {
  return outer.version === inner.version && inner.prefix >= outer.prefix && networkAddress({ ...inner, prefix: outer.prefix }) === networkAddress(outer);
}
function networkFilters() {
  return {
    ipaddr: ipaddrFilter(),
    ipv4: ipaddrFilter(4),
    ipv6: ipaddrFilter(6),
    ipwrap: (value) => {
      const wrap = (item) => {
        const net2 = parseNetwork(pyStr(item));
        return net2?.version === 6 ? `[${pyStr(item)}]` : item;
      };
      return Array.isArray(value) ? value.map(wrap) : wrap(value);
    },
    ipmath: (value, amount) => {
      const net2 = parseNetwork(pyStr(value));
      if (!net2)
        throw new Error(`You must pass a valid IP address; ${pyStr(value)} is invalid`);
      return format(net2.version, net2.address + BigInt(amount));
    },
    nthhost: (value, n) => {
      const net2 = parseNetwork(pyStr(value));
      if (!net2)
        return false;
      const target = n >= 0 ? networkAddress(net2) + BigInt(n) : broadcastAddress(net2) + BigInt(n) + 1n;
      return target > broadcastAddress(net2) ? false : format(net2.version, target);
    },
    network_in_usable: (value, test) => {
      const outer = parseNetwork(pyStr(value));
      const inner = parseNetwork(pyStr(test));
      if (!outer || !inner)
        throw new Error("network_in_usable: invalid network");
      if (!contains(outer, inner))
        return false;
      return outer.prefix >= BITS[outer.version] - 1 || inner.address !== networkAddress(outer) && inner.address !== broadcastAddress(outer) || inner.prefix < BITS[inner.version];
    },
    network_in_network: (value, test) => {
      const outer = parseNetwork(pyStr(value));
      const inner = parseNetwork(pyStr(test));
      if (!outer || !inner)
        throw new Error("network_in_network: invalid network");
      return contains(outer, inner);
    }
  };
}
function networkTests() {
  return {
    ip: (value) => parseNetwork(pyStr(value)) !== void 0,
    ipv4: (value) => parseNetwork(pyStr(value))?.version === 4,
    ipv6: (value) => parseNetwork(pyStr(value))?.version === 6,
    ip_address: (value) => parseNetwork(pyStr(value))?.hasPrefix === false,
    in_network: (value, network2) => {
      const inner = parseNetwork(pyStr(value));
      const outer = parseNetwork(pyStr(network2));
      return !!inner && !!outer && contains(outer, inner);
    }
  };
}

// dist/lib/template/lookups.js
import { execFileSync } from "node:child_process";
import { existsSync as existsSync2, readFileSync as readFileSync2 } from "node:fs";
import { isAbsolute as isAbsolute2, join as join2 } from "node:path";
function searchPath(scope, subdir, term) {
  if (isAbsolute2(term))
    return existsSync2(term) ? term : void 0;
  const base = scope.variable("playbook_dir");
  const roots = typeof base === "string" ? [join2(base, subdir, term), join2(base, term)] : [term];
  return roots.find((candidate) => existsSync2(candidate));
}
function flattenOnce(terms) {
  return terms.flatMap((term) => Array.isArray(term) ? term : [term]);
}
var PLUGINS = {
  env: (terms, options) => terms.map((term) => process.env[pyStr(term)] ?? (options.default === void 0 ? "" : options.default)),
  file: (terms, options, scope) => terms.map((term) => {
    const found = searchPath(scope, "files", pyStr(term));
    if (!found)
      throw new Error(`could not locate file in lookup: ${pyStr(term)}`);
    let content = readFileSync2(found, "utf8");
    if (options.lstrip === true)
      content = content.trimStart();
    if (options.rstrip !== false)
      content = content.trimEnd();
    return content;
  }),
  template: (terms, options, scope) => terms.map((term) => {
    const found = searchPath(scope, "templates", pyStr(term));
    if (!found)
      throw new Error(`the template file ${pyStr(term)} could not be found for the lookup`);
    const extra = isPlainObject(options.template_vars) ? options.template_vars : {};
    return scope.renderFile(readFileSync2(found, "utf8"), found, extra);
  }),
  pipe: (terms) => terms.map((term) => {
    try {
      return execFileSync("/bin/sh", ["-c", pyStr(term)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trimEnd();
    } catch (error) {
      throw new Error(`lookup_plugin.pipe(${pyStr(term)}) returned ${error.status}`, { cause: error });
    }
  }),
  vars: (terms, options, scope) => terms.map((term) => {
    const value = scope.variable(pyStr(term));
    if (value !== void 0)
      return value;
    if (options.default !== void 0)
      return options.default;
    throw new Error(`No variable found with this name: ${pyStr(term)}`);
  }),
  items: (terms) => flattenOnce(terms),
  indexed_items: (terms) => flattenOnce(terms).map((item, i) => [i, item]),
  dict: (terms) => terms.flatMap((term) => {
    if (!isPlainObject(term))
      throw new Error("with_dict expects a dict");
    return Object.entries(term).map(([key, value]) => ({ key, value }));
  }),
  nested: (terms) => {
    let out = [[]];
    for (const list of terms)
      out = out.flatMap((prefix) => toList(list).map((item) => [...prefix, item]));
    return out;
  },
  sequence: (terms) => terms.flatMap((term) => {
    const spec = {};
    for (const pair of pyStr(term).trim().split(/\s+/)) {
      const [key, value] = pair.split("=");
      spec[key] = value;
    }
    const start = Number.parseInt(spec.start ?? "1", 10);
    const end = spec.count !== void 0 ? start + Number(spec.count) - 1 : Number.parseInt(spec.end, 10);
    const stride = Number(spec.stride ?? 1);
    const format2 = spec.format ?? "%d";
    const out = [];
    for (let i = start; stride > 0 ? i <= end : i >= end; i += stride)
      out.push(format2.replace(/%0?(\d*)d/, (m, width) => String(i).padStart(Number(width || 0), m.startsWith("%0") ? "0" : " ")));
    return out;
  }),
  first_found: (terms, options, scope) => {
    const files = flattenOnce(terms).flatMap((term) => isPlainObject(term) ? toList(term.files) : [term]).map(pyStr);
    for (const file2 of files) {
      const found = searchPath(scope, "files", file2);
      if (found)
        return [found];
    }
    if (options.skip === true || options.errors === "ignore")
      return [];
    throw new Error("No file was found when using first_found.");
  }
};
function runLookup(scope, wantList, name, args) {
  const plugin = PLUGINS[String(name).replace(/^ansible\.builtin\./, "")];
  if (!plugin)
    throw new Error(`lookup plugin (${pyStr(name)}) not found (runbook has: ${Object.keys(PLUGINS).join(", ")})`);
  const [terms, keywords] = splitKeywords(args);
  const { wantlist, errors = "strict", ...options } = keywords;
  let results;
  try {
    results = plugin(terms, options, scope);
  } catch (error) {
    if (errors === "ignore" || errors === "warn")
      return wantList || wantlist ? [] : "";
    throw error;
  }
  if (wantList || wantlist)
    return results;
  if (results.every((item) => typeof item === "string"))
    return results.join(",");
  return results.length === 1 ? results[0] : results;
}

// dist/lib/template/literal.js
function literalEval(text) {
  const parser2 = new LiteralParser(text);
  const value = parser2.value();
  parser2.space();
  if (parser2.at < text.length)
    parser2.fail();
  return value;
}
var NAMES = { True: true, False: false, None: null, true: true, false: false, null: null };
var ESCAPES = { n: "\n", t: "	", r: "\r", "\\": "\\", "'": "'", '"': '"', "\n": "", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
var LiteralParser = class {
  text;
  at = 0;
  constructor(text) {
    this.text = text;
  }
  fail() {
    throw new SyntaxError(`not a Python literal at ${this.at}`);
  }
  space() {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]))
      this.at++;
  }
  value() {
    this.space();
    const c = this.text[this.at];
    if (c === "[")
      return this.sequence("]");
    if (c === "(")
      return this.sequence(")");
    if (c === "{")
      return this.mapping();
    if (c === "'" || c === '"')
      return this.string();
    const name = /^[A-Za-z_]\w*/.exec(this.text.slice(this.at));
    if (name) {
      if (!Object.hasOwn(NAMES, name[0]))
        this.fail();
      this.at += name[0].length;
      return NAMES[name[0]];
    }
    const number = /^[-+]?\s*(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?)/.exec(this.text.slice(this.at));
    if (!number)
      this.fail();
    this.at += number[0].length;
    const digits = number[0].replace(/[\s_]/g, "");
    const sign = digits.startsWith("-") ? -1 : 1;
    const body = digits.replace(/^[-+]/, "");
    if (/^0[xob]/i.test(body))
      return sign * Number.parseInt(body.slice(2), { x: 16, o: 8, b: 2 }[body[1].toLowerCase()]);
    return sign * Number(body);
  }
  sequence(close) {
    this.at++;
    const items = [];
    for (; ; ) {
      this.space();
      if (this.text[this.at] === close)
        break;
      items.push(this.value());
      this.space();
      if (this.text[this.at] === ",")
        this.at++;
      else if (this.text[this.at] !== close)
        this.fail();
    }
    this.at++;
    return items;
  }
  mapping() {
    this.at++;
    const out = {};
    for (; ; ) {
      this.space();
      if (this.text[this.at] === "}")
        break;
      const key = this.value();
      this.space();
      if (this.text[this.at] !== ":")
        this.fail();
      this.at++;
      out[String(typeof key === "boolean" ? key ? "True" : "False" : key)] = this.value();
      this.space();
      if (this.text[this.at] === ",")
        this.at++;
      else if (this.text[this.at] !== "}")
        this.fail();
    }
    this.at++;
    return out;
  }
  string() {
    let out = "";
    do {
      const quote = this.text[this.at++];
      for (; ; ) {
        if (this.at >= this.text.length)
          this.fail();
        const c = this.text[this.at++];
        if (c === quote)
          break;
        if (c === "\n")
          this.fail();
        if (c !== "\\") {
          out += c;
          continue;
        }
        const e = this.text[this.at++];
        if (Object.hasOwn(ESCAPES, e))
          out += ESCAPES[e];
        else if (e === "x" || e === "u" || e === "U") {
          const width = e === "x" ? 2 : e === "u" ? 4 : 8;
          out += String.fromCodePoint(Number.parseInt(this.text.slice(this.at, this.at + width), 16));
          this.at += width;
        } else
          out += `\\${e}`;
      }
      this.space();
    } while (this.text[this.at] === "'" || this.text[this.at] === '"');
    return out;
  }
};

// dist/lib/template/environment.js
var OMIT = "__omit_place_holder__runbook__";
var LEXER_OPTIONS = { trimBlocks: true, lstripBlocks: false };
var env2 = new nunjucks.Environment([], { autoescape: false, ...LEXER_OPTIONS });
env2.rb = runtimeHelpers;
var registry = {
  filter(name) {
    if (!Object.hasOwn(env2.filters, name))
      throw new Error(`unknown filter '${name}'${didYouMean(name, Object.keys(env2.filters))}`);
    return env2.filters[name];
  },
  test(name) {
    if (!Object.hasOwn(env2.tests, name))
      throw new Error(`unknown test '${name}'${didYouMean(name, Object.keys(env2.tests))}`);
    return env2.tests[name];
  }
};
var filters = { ...coreFilters(registry), ...dataFilters(), ...moreFilters(), ...networkFilters() };
filters.d = filters.default;
filters.count = filters.length;
filters.dict = (value) => Object.fromEntries(toList(value).map((pair) => [pyStr(pair[0]), pair[1]]));
var tests = { ...ansibleTests(), ...networkTests() };
var COLLECTION_FILTERS = {
  "community.general": ["json_query", "dict"],
  "ansible.utils": Object.keys(networkFilters()),
  "ansible.netcommon": Object.keys(networkFilters())
};
for (const [name, filter] of Object.entries(filters)) {
  env2.addFilter(name, filter);
  env2.addFilter(`ansible.builtin.${name}`, filter);
}
for (const [collection, names] of Object.entries(COLLECTION_FILTERS))
  for (const name of names)
    env2.addFilter(`${collection}.${name}`, filters[name]);
for (const [name, test] of Object.entries(tests)) {
  env2.addTest(name, test);
  env2.addTest(`ansible.builtin.${name}`, test);
}
for (const name of Object.keys(networkTests()))
  env2.addTest(`ansible.utils.${name}`, tests[name]);
env2.addGlobal("omit", OMIT);
var Namespace = class {
};
env2.addGlobal("lookup", function lookup(name, ...args) {
  return runLookup(this.lookupScope(), false, name, args);
});
var query = function query2(name, ...args) {
  return runLookup(this.lookupScope(), true, name, args);
};
env2.addGlobal("query", query);
env2.addGlobal("q", query);
env2.addGlobal("dict", (...args) => {
  const [positional, keywords] = splitKeywords(args);
  return { ...positional.length ? filters.dict(positional[0]) : {}, ...keywords };
});
env2.addGlobal("namespace", (...args) => {
  const [positional, keywords] = splitKeywords(args);
  return Object.assign(new Namespace(), ...positional, keywords);
});
var TEXT_FILTERS = /* @__PURE__ */ new Set(["string", "to_json", "to_nice_json", "to_yaml", "to_nice_yaml", "ppretty", "json"]);
var renderStack = [];
env2.getTemplate = (name, _eager, parentName, _ignoreMissing, cb) => {
  const context = renderStack[renderStack.length - 1];
  const base = context?.lookup("playbook_dir");
  const roots = [context?.templateFile ? dirname(context.templateFile) : void 0, typeof base === "string" ? join3(base, "templates") : void 0, typeof base === "string" ? base : void 0];
  const file2 = roots.filter((root) => root !== void 0).map((root) => join3(root, String(name))).find((candidate) => existsSync3(candidate));
  if (!file2 || !context)
    return cb(new Error(`template not found: ${name}`));
  const text = readFileSync3(file2, "utf8");
  const origin = { what: `template ${name} included`, file: file2 };
  const template2 = compiled(text, "file", origin);
  const included = {
    render(_vars, parentFrame, done) {
      try {
        done(null, String(run(template2, text, context.scopeVariables(), origin, parentFrame?.push(false))));
      } catch (error) {
        done(error);
      }
    },
    getExported(_vars, _frame, done) {
      done(new Error(`{% import %} of '${name}' is not supported; use {% include %} or define the macro in this template`));
    }
  };
  cb(null, included);
  return included;
};
var runtime = nunjucks.runtime;
var MAX_NESTING = 32;
var nestingDepth = 0;
var globals = env2.globals;
var objectPrototype = Object.prototype;
function isTemplated(text) {
  let at = text.indexOf("{");
  while (at !== -1) {
    const next = text.charCodeAt(at + 1);
    if (next === 123 || next === 37 || next === 35)
      return true;
    at = text.indexOf("{", at + 1);
  }
  return false;
}
function isGlobalName(name) {
  return Object.hasOwn(globals, name);
}
var RenderContext = class {
  vars;
  env;
  origin;
  locals;
  constructor(vars, env3, origin) {
    this.vars = vars;
    this.env = env3;
    this.origin = origin;
  }
  lookup(name) {
    if (this.locals && Object.hasOwn(this.locals, name))
      return this.locals[name];
    const value = this.vars[name];
    if (value !== void 0 && value !== objectPrototype[name]) {
      noteRead(value);
      return this.resolveNested(value);
    }
    return Object.hasOwn(globals, name) ? globals[name] : void 0;
  }
  /**
   * Variables may hold templates themselves (`app_dir: "{{ base }}/app"`);
   * Ansible renders them when read, and so do we, with the same variables.
   */
  resolveNested(value) {
    if (typeof value === "string") {
      if (!isTemplated(value))
        return value;
    } else if (value instanceof UnsafeText)
      return value;
    else if (value === null || typeof value !== "object" || !holdsTemplates(value))
      return value;
    if (nestingDepth >= MAX_NESTING) {
      throw new Error(`recursive loop detected: variables refer to each other in a loop (or nest deeper than ${MAX_NESTING}): '${pyStr(value)}'`);
    }
    nestingDepth++;
    try {
      return templateValue(value, this.vars, this.origin);
    } finally {
      nestingDepth--;
    }
  }
  setVariable(name, value) {
    (this.locals ??= {})[name] = value;
  }
  getVariables() {
    return { ...this.vars, ...this.locals };
  }
  /** The variables with this render's top-level `{% set %}`s, keeping the layered scopes of `vars`. */
  scopeVariables() {
    return this.locals ? Object.assign(Object.create(this.vars), this.locals) : this.vars;
  }
  lookupScope() {
    return {
      variable: (name) => this.lookup(name),
      renderFile: (text, file2, extra) => padTrailingNewlines(String(run(compiled(text, "file", this.origin), text, Object.assign(Object.create(this.scopeVariables()), extra), { ...this.origin, what: this.origin?.what ?? file2, file: file2 })), text)
    };
  }
  /** The file being rendered, for includes. */
  get templateFile() {
    return this.origin?.file;
  }
  addExport() {
  }
  getBlock(name) {
    throw new Error(`template blocks are not supported (block '${name}')`);
  }
};
var MAX_CACHED = 2e4;
var caches = { expression: /* @__PURE__ */ new Map(), file: /* @__PURE__ */ new Map() };
function jinjaSource(text) {
  const normalised = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  const trimmed = normalised.includes("#}") || normalised.includes("raw") ? normalised.replace(/(#\}|\{%-?\s*endraw\s*-?%\})\n/g, "$1").replace(/(\{%-?\s*raw\s*%\})\n/g, "$1\n\n") : normalised;
  return trimmed.endsWith("\n") ? trimmed.slice(0, -1) : trimmed;
}
function padTrailingNewlines(output, source) {
  const wanted = trailingNewlines(source.includes("\r") ? source.replace(/\r\n?/g, "\n") : source);
  const missing = wanted - trailingNewlines(output);
  return missing > 0 ? output + "\n".repeat(missing) : output;
}
function trailingNewlines(text) {
  let count = 0;
  while (count < text.length && text[text.length - 1 - count] === "\n")
    count++;
  return count;
}
function compile(text, allowNative) {
  const parsed = nunjucks.parser.parse(jinjaSource(text), [], LEXER_OPTIONS);
  const root = transformer.transform(parsed, [], "template");
  const analysis = analyzeTemplate(root);
  for (const [name, node] of analysis.filters) {
    if (!Object.hasOwn(env2.filters, name)) {
      throw Object.assign(new Error(`unknown filter '${name}'${didYouMean(name, Object.keys(env2.filters))}`), { lineno: node.lineno + 1 });
    }
  }
  for (const [name, node] of analysis.tests) {
    if (!Object.hasOwn(env2.tests, name)) {
      throw Object.assign(new Error(`unknown test '${name}'${didYouMean(name, Object.keys(env2.tests))}`), { lineno: node.lineno + 1 });
    }
  }
  const nativeExpression = allowNative ? singleExpression(root) : void 0;
  const code = generateCode(root, nativeExpression);
  const render = new Function(code)().root;
  const textResult = nativeExpression?.typename === "Filter" && TEXT_FILTERS.has(String(nativeExpression.name.value).replace(/^ansible\.builtin\./, ""));
  return { render, native: nativeExpression !== void 0, text: textResult, analysis };
}
function compiled(text, kind, origin) {
  const cache = caches[kind];
  let entry = cache.get(text);
  if (!entry) {
    try {
      entry = compile(text, kind === "expression");
    } catch (error) {
      entry = { error };
    }
    if (cache.size >= MAX_CACHED)
      cache.clear();
    cache.set(text, entry);
  }
  if ("error" in entry)
    throw templateError(entry.error, text, origin);
  return entry;
}
var templatesInside = /* @__PURE__ */ new WeakMap();
function holdsTemplates(value) {
  let known = templatesInside.get(value);
  if (known === void 0) {
    const items = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
    known = items.some((item) => typeof item === "string" ? isTemplated(item) : item instanceof UnsafeText || item !== null && typeof item === "object" && holdsTemplates(item));
    templatesInside.set(value, known);
  }
  return known;
}
var SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}\n?$/;
function templateString(text, vars, origin) {
  if (!isTemplated(text))
    return text;
  const single = SINGLE_VAR.exec(text);
  if (single) {
    const value2 = vars[single[1]];
    if (typeof value2 === "number" || typeof value2 === "boolean" || value2 === null)
      return value2;
  }
  const template2 = compiled(text, "expression", origin);
  const result = run(template2, text, vars, origin);
  const value = template2.native ? template2.text ? pyStr(result) : nativeNode(result) : literalOrText(result);
  return typeof value === "string" ? padTrailingNewlines(value, text) : value;
}
function templateValue(value, vars, origin) {
  if (typeof value === "string")
    return templateString(value, vars, origin);
  if (value instanceof UnsafeText)
    return value;
  if (Array.isArray(value))
    return value.map((item) => templateValue(item, vars, origin));
  if (isPlainObject(value)) {
    const out = {};
    for (const [key, item] of Object.entries(value))
      out[key] = templateValue(item, vars, origin);
    return out;
  }
  return value;
}
function nativeNode(value) {
  if (value === null || value === void 0)
    return "";
  if (typeof value === "string")
    return literalOrText(value);
  if (value instanceof UnsafeText)
    return value.toString();
  if (value instanceof PyTuple)
    return pyStr(value);
  if (typeof value === "boolean" || Array.isArray(value) || isPlainObject(value))
    return value;
  return literalOrText(pyStr(value));
}
function literalOrText(text) {
  if (text.startsWith("[") || text.startsWith("{") || text === "True" || text === "False") {
    try {
      return literalEval(text);
    } catch {
      return text;
    }
  }
  return text;
}
function run(template2, text, vars, origin, parentFrame) {
  const frame = parentFrame ?? new runtime.Frame();
  if (!parentFrame)
    frame.topLevel = true;
  let failure;
  let result;
  const context = new RenderContext(vars, env2, origin);
  renderStack.push(context);
  try {
    template2.render(env2, context, frame, runtime, (err, value) => {
      failure = err;
      result = value;
    });
  } finally {
    renderStack.pop();
  }
  if (failure) {
    const cause = failure.cause ?? failure;
    if (nestingDepth > 0 && cause instanceof UndefinedVariableError)
      throw cause;
    throw templateError(failure, text, origin);
  }
  return result instanceof String ? result.toString() : result;
}
function originSuffix(origin) {
  return origin?.what ? ` in ${origin.what}` : "";
}
function lineSuffix(text, lineno) {
  return lineno && text.includes("\n") ? ` (template line ${lineno})` : "";
}
function templateError(error, text, origin) {
  if (error instanceof InputError)
    return error;
  if (error.cause instanceof InputError)
    return error.cause;
  const cause = error.cause ?? error;
  if (cause instanceof UndefinedVariableError) {
    return new InputError(`${cause.message}${originSuffix(origin)}${lineSuffix(text, cause.lineno)}`, origin?.location, { cause });
  }
  const err = cause;
  const message = String(err.message ?? err).replace(/^\(unknown path\)\s*/, "").replace(/\s+/g, " ").trim();
  const lineno = err.lineno ?? error.lineno;
  return new InputError(`template error${originSuffix(origin)}: ${message}${lineSuffix(text, lineno)}`, origin?.location);
}

// dist/lib/template/index.js
function renderString(text, vars, origin) {
  return plainStrings(templateString(text, vars, origin));
}
function plainStrings(value) {
  if (value instanceof UnsafeText)
    return value.toString();
  if (Array.isArray(value))
    return value.some((item) => item instanceof UnsafeText || item !== null && typeof item === "object") ? value.map(plainStrings) : value;
  if (isPlainObject(value)) {
    let changed = false;
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = plainStrings(item);
      changed ||= out[key] !== item;
    }
    return changed ? out : value;
  }
  return value;
}
function renderValue(value, vars, origin) {
  if (typeof value === "string")
    return renderString(value, vars, origin);
  if (value instanceof UnsafeText)
    return value.toString();
  if (Array.isArray(value))
    return value.map((item) => renderValue(item, vars, origin));
  if (!isPlainObject(value))
    return value;
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    const rendered = renderValue(item, vars, origin);
    if (rendered === OMIT)
      continue;
    out[isTemplated(key) ? String(renderString(key, vars, origin)) : key] = rendered;
  }
  return out;
}
function renderTemplateFile(text, vars, origin) {
  if (!isTemplated(text))
    return text;
  return padTrailingNewlines(String(run(compiled(text, "file", origin), text, vars, origin)), text);
}
function evaluateCondition(expr, vars, origin) {
  if (typeof expr === "boolean")
    return expr;
  if (typeof expr !== "string")
    return truthy(expr);
  let text = expr;
  if (text.trim() === "")
    return true;
  if (isTemplated(text)) {
    const rendered = renderString(text, vars, origin);
    if (typeof rendered !== "string" || rendered === "")
      return truthy(rendered);
    text = rendered;
  }
  return truthy(run(compiled(`{{ ${text} }}`, "expression", origin), text, vars, origin));
}
function referencedVariables(text, options = {}) {
  const source = options.expression ? `{{ ${text} }}` : text;
  if (!isTemplated(source))
    return [];
  const { analysis } = compiled(source, "expression", options.origin);
  const names = /* @__PURE__ */ new Set();
  for (const name of analysis.strictReads) {
    if (options.includeOptional || !analysis.optionalReads.has(name))
      names.add(name);
  }
  if (options.includeOptional)
    for (const name of analysis.optionalReads)
      names.add(name);
  return [...names].filter((name) => !analysis.boundNames.has(name) && !isGlobalName(name));
}

// dist/lib/modules/debug.js
var debug = {
  name: "debug",
  description: "Show a message or the value of a variable.",
  example: `- name: Show the kernel only with -v
  debug:
    var: kernel.stdout
    verbosity: 1
`,
  args: {
    msg: { type: "raw" },
    var: { type: "raw" },
    verbosity: { type: "int", default: 0 }
  },
  mutuallyExclusive: [["msg", "var"]],
  async check(args, ctx) {
    if (args.verbosity > ctx.verbosity) {
      return { changed: false, skipped: true, message: "Verbosity threshold not met.", result: { skipped_reason: "Verbosity threshold not met." } };
    }
    if (args.var !== void 0) {
      const name = typeof args.var === "string" ? args.var : String(Array.isArray(args.var) ? "<class 'list'>" : "<class 'dict'>");
      const value = typeof args.var === "string" ? valueOf(args.var, ctx.expression) : args.var;
      return { changed: false, message: `${name}: ${shown(value)}`, result: { [name]: value } };
    }
    const msg = args.msg ?? "Hello world!";
    return { changed: false, message: shown(msg), result: { msg } };
  },
  async apply() {
    return { changed: false };
  }
};
function valueOf(expression, evaluate) {
  try {
    return evaluate(expression);
  } catch (error) {
    if (error instanceof Error && error.cause instanceof UndefinedVariableError)
      return "VARIABLE IS NOT DEFINED!";
    throw error;
  }
}
function shown(value) {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

// dist/lib/modules/include_vars.js
import { existsSync as existsSync4 } from "node:fs";
import { isAbsolute as isAbsolute3, join as join4, resolve } from "node:path";
var includeVars = {
  name: "include_vars",
  description: "Variables from a YAML file on the controller.",
  example: `- name: Site settings
  include_vars:
    file: vars/site.yaml
`,
  freeForm: true,
  factsAs: "included",
  args: {
    file: { type: "path" },
    name: { type: "str" }
  },
  mutuallyExclusive: [["file", "_raw_params"]],
  validate: (args) => args.file === void 0 && (args._raw_params ?? "") === "" ? "include_vars needs 'file' (or the file name as free-form text)" : void 0,
  preflight(args, ctx) {
    loadVarsFile(varsFileArg(args), ctx.baseDir);
  },
  async check(args, ctx) {
    const { path: path3, vars } = loadVarsFile(varsFileArg(args), ctx.baseDir);
    return { changed: false, result: { ansible_facts: args.name ? { [args.name]: vars } : vars, ansible_included_var_files: [path3] } };
  },
  async apply() {
    return { changed: false };
  }
};
function varsFileArg(args) {
  return (args.file ?? args._raw_params ?? "").trim();
}
function varsFileCandidates(file2, baseDir) {
  return isAbsolute3(file2) ? [file2] : [join4(baseDir, "vars", file2), join4(baseDir, file2)];
}
function loadVarsFile(file2, baseDir) {
  const candidates = varsFileCandidates(file2, baseDir);
  const path3 = candidates.find((candidate) => existsSync4(candidate));
  if (!path3)
    throw new Error(`Could not find or access '${file2}' (looked for ${candidates.join(", ")})`);
  const data = loadYamlFile(path3) ?? {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new Error(`${path3} must be stored as a dictionary/hash`);
  return { path: resolve(path3), vars: data };
}

// dist/lib/modules/pause.js
var pause2 = {
  name: "pause",
  description: "Wait a number of seconds or minutes.",
  example: `- name: Let the API server settle
  pause:
    seconds: 5
`,
  args: {
    seconds: { type: "int" },
    minutes: { type: "int" },
    prompt: { type: "str" }
  },
  requiredOneOf: [["seconds", "minutes"]],
  runsOnce: true,
  async check(args, ctx) {
    const seconds = args.minutes !== void 0 ? args.minutes * 60 : args.seconds;
    const start = /* @__PURE__ */ new Date();
    ctx.progress(`${args.prompt ? `${args.prompt}: ` : ""}pausing for ${seconds} s`);
    if (seconds > 0)
      await new Promise((done) => setTimeout(done, seconds * 1e3));
    const stop = /* @__PURE__ */ new Date();
    return {
      changed: false,
      message: `Paused for ${seconds} seconds`,
      result: { start: pythonTime(start), stop: pythonTime(stop), delta: seconds, echo: true, rc: 0, stderr: "", stdout: `Paused for ${seconds} seconds`, user_input: "" }
    };
  },
  async apply() {
    return { changed: false };
  }
};
function pythonTime(date) {
  return `${date.toISOString().replace("T", " ").replace("Z", "")}000`;
}

// dist/lib/modules/set_fact.js
var IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
var setFact = {
  name: "set_fact",
  description: "Set variables of the host for the tasks after this one.",
  example: `- name: Derive the advertise address
  set_fact:
    advertise_address: "{{ ansible_host }}"
`,
  anyArgs: true,
  factsAs: "set",
  args: { cacheable: { type: "bool", default: false } },
  validate(args) {
    const names = Object.keys(args).filter((name) => name !== "cacheable");
    if (names.length === 0)
      return "No key/value pairs provided, at least one is required for this action to succeed";
    const bad = names.find((name) => !IDENTIFIER.test(name) && !name.includes("{{"));
    return bad === void 0 ? void 0 : `The variable name '${bad}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`;
  },
  async check(args) {
    const facts = {};
    for (const [name, value] of Object.entries(args)) {
      if (name === "cacheable" || name.startsWith("_"))
        continue;
      if (!IDENTIFIER.test(name))
        throw new Error(`The variable name '${name}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      facts[name] = ansibleStringBoolean(value);
    }
    return { changed: false, result: { ansible_facts: facts } };
  },
  async apply() {
    return { changed: false };
  }
};
function ansibleStringBoolean(value) {
  if (typeof value !== "string")
    return value;
  const word = value.toLowerCase();
  return word === "true" || word === "yes" ? true : word === "false" || word === "no" ? false : value;
}

// dist/lib/modules/text-edit.js
function pythonRegExp(pattern, flags = "") {
  const source = pattern.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, "(?<$1>").replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, "\\k<$1>").replace(/\\A/g, "^(?<![\\s\\S])").replace(/\\Z/g, "$(?![\\s\\S])");
  try {
    return new RegExp(source, flags.includes("u") ? flags : `${flags}u`);
  } catch {
    try {
      return new RegExp(source, flags.replace("u", ""));
    } catch (error) {
      throw new Error(`invalid regular expression '${pattern}': ${error.message}`, { cause: error });
    }
  }
}
var ESCAPES2 = { n: "\n", t: "	", r: "\r", f: "\f", v: "\v", a: "\x07", b: "\b", "\\": "\\" };
function expandTemplate(template2, match) {
  return template2.replace(/\\(?:g<([^>]+)>|(\d{1,2})|(.))/gs, (whole, group, digits, other) => {
    if (group !== void 0)
      return (/^\d+$/.test(group) ? match[Number(group)] : match.groups?.[group]) ?? "";
    if (digits !== void 0)
      return match[Number(digits)] ?? "";
    return other !== void 0 && other in ESCAPES2 ? ESCAPES2[other] : whole;
  });
}
function splitLines(text) {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
function stripEol(line) {
  return line.replace(/[\r\n]+$/, "");
}
async function currentText(path3, ctx) {
  const state = await ctx.facts.path(path3);
  if (state.exists && state.type === "directory")
    throw new Error(`Path ${path3} is a directory !`);
  if (!state.exists)
    return void 0;
  await currentRegularFile(path3, ctx);
  const content = await ctx.facts.content(path3);
  if (content === void 0)
    throw new Error(`cannot read ${path3} as ${ctx.user}`);
  return content.toString("utf8");
}
async function planEditedFile(edit2, ctx, exists) {
  if (!exists && edit2.after === void 0)
    return { changed: false, message: edit2.msg || void 0, result: { msg: edit2.msg } };
  const plan = await planRegularFile({ path: edit2.path, content: edit2.after === void 0 ? void 0 : Buffer.from(edit2.after), mode: edit2.mode, owner: edit2.owner, group: edit2.group }, ctx);
  const contentChanged = plan.data.writeContent;
  const metaChanged = exists && (plan.message ?? "").split(", ").some((change) => change !== "" && change !== "content");
  const msg = [contentChanged ? edit2.msg : "", metaChanged ? "ownership, perms or SE linux context changed" : ""].filter(Boolean).join(" and ");
  return { ...plan, message: plan.changed ? `${msg}${plan.message ? ` (${plan.message})` : ""}` : void 0, result: { ...plan.result, msg } };
}

// dist/lib/modules/lineinfile.js
var lineinfile = {
  name: "lineinfile",
  description: "A line present in, or absent from, a text file.",
  example: `- name: Listen on 8080
  lineinfile:
    path: /etc/app.conf
    regexp: '^port='
    line: port=8080`,
  args: {
    path: { type: "path", required: true, aliases: ["dest", "destfile", "name"] },
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    regexp: { type: "str", aliases: ["regex"] },
    search_string: { type: "str" },
    line: { type: "str", aliases: ["value"] },
    insertafter: { type: "str" },
    insertbefore: { type: "str" },
    backrefs: { type: "bool", default: false },
    create: { type: "bool", default: false },
    firstmatch: { type: "bool", default: false },
    ...fileMetadataArgs()
  },
  mutuallyExclusive: [["insertbefore", "insertafter"], ["regexp", "search_string"], ["backrefs", "search_string"]],
  validate(args) {
    if (args.state === "absent")
      return args.regexp === void 0 && args.search_string === void 0 && args.line === void 0 ? "one of line, search_string, or regexp is required with state=absent" : void 0;
    if (args.backrefs === true && args.regexp === void 0)
      return "regexp is required with backrefs=true";
    return args.line === void 0 ? "line is required with state=present" : void 0;
  },
  prefetch: (args) => [pathFact(args.path), fileContentFact(args.path)],
  async check(args, ctx) {
    const before = await currentText(args.path, ctx);
    if (before === void 0 && args.state === "present" && !args.create) {
      return { changed: false, failed: true, message: `Destination ${args.path} does not exist !`, result: { rc: 257, msg: `Destination ${args.path} does not exist !` } };
    }
    if (before === void 0 && args.state === "absent")
      return { changed: false, message: "file not present", result: { msg: "file not present" } };
    const edit2 = args.state === "present" ? present(splitLines(before ?? ""), args) : absent(splitLines(before), args);
    const plan = await planEditedFile({ path: args.path, after: edit2.changed ? edit2.lines.join("") : void 0, msg: edit2.msg, mode: args.mode, owner: args.owner, group: args.group }, ctx, before !== void 0);
    return { ...plan, result: { ...plan.result, ...args.state === "absent" ? { found: edit2.found } : {}, backup: "" } };
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data, ctx);
    return { changed: true };
  }
};
function present(lines2, args) {
  const line = args.line;
  const insertafter = args.insertbefore === void 0 && args.insertafter === void 0 ? "EOF" : args.insertafter;
  const insertbefore = args.insertbefore;
  const regexp = args.regexp !== void 0 ? pythonRegExp(args.regexp) : void 0;
  const insertRe = insertafter !== void 0 && insertafter !== "BOF" && insertafter !== "EOF" ? pythonRegExp(insertafter) : insertbefore !== void 0 && insertbefore !== "BOF" ? pythonRegExp(insertbefore) : void 0;
  let found = -1;
  let insertAt = -1;
  let match;
  let exactLineMatch = false;
  if (regexp) {
    for (const [i, current] of lines2.entries()) {
      const m = regexp.exec(stripEol(current));
      if (m) {
        found = i;
        match = m;
        if (args.firstmatch)
          break;
      }
    }
  }
  if (args.search_string !== void 0) {
    for (const [i, current] of lines2.entries()) {
      if (current.includes(args.search_string)) {
        found = i;
        match = true;
        if (args.firstmatch)
          break;
      }
    }
  }
  if (!match) {
    for (const [i, current] of lines2.entries()) {
      if (line === stripEol(current)) {
        found = i;
        exactLineMatch = true;
      } else if (insertRe && insertRe.test(stripEol(current))) {
        if (insertafter !== void 0) {
          insertAt = i + 1;
          if (args.firstmatch)
            break;
        }
        if (insertbefore !== void 0) {
          insertAt = i;
          if (args.firstmatch)
            break;
        }
      }
    }
  }
  const added = (edit2) => {
    edit2();
    return { lines: lines2, changed: true, msg: "line added" };
  };
  const unchanged = { lines: lines2, changed: false, msg: "" };
  if (found !== -1) {
    let newLine = args.backrefs && match && typeof match !== "boolean" ? expandTemplate(line, match) : line;
    if (!newLine.endsWith("\n"))
      newLine += "\n";
    if (args.regexp === void 0 && args.search_string === void 0 && !match && !exactLineMatch) {
      return unchanged;
    }
    if (lines2[found] !== newLine) {
      lines2[found] = newLine;
      return { lines: lines2, changed: true, msg: "line replaced" };
    }
    return unchanged;
  }
  if (args.backrefs)
    return unchanged;
  if (insertbefore === "BOF" || insertafter === "BOF")
    return added(() => lines2.unshift(`${line}
`));
  if (insertafter === "EOF" || insertAt === -1) {
    return added(() => {
      if (lines2.length > 0 && !/[\n\r]$/.test(lines2[lines2.length - 1]))
        lines2.push("\n");
      lines2.push(`${line}
`);
    });
  }
  if (insertafter !== void 0) {
    if (lines2.length === insertAt)
      return stripEol(lines2[insertAt - 1]) !== line ? added(() => lines2.push(`${line}
`)) : unchanged;
    return line !== stripEol(lines2[insertAt]) ? added(() => lines2.splice(insertAt, 0, `${line}
`)) : unchanged;
  }
  return added(() => lines2.splice(insertAt, 0, `${line}
`));
}
function absent(lines2, args) {
  const regexp = args.regexp !== void 0 ? pythonRegExp(args.regexp) : void 0;
  const matches = (current) => regexp ? regexp.test(stripEol(current)) : args.search_string !== void 0 ? current.includes(args.search_string) : args.line === stripEol(current);
  const kept = lines2.filter((current) => !matches(current));
  const found = lines2.length - kept.length;
  return { lines: kept, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : "", found };
}

// dist/lib/modules/blockinfile.js
var blockinfile = {
  name: "blockinfile",
  description: "A block of lines between markers in a text file.",
  example: `- name: Limits
  blockinfile:
    path: /etc/app.conf
    block: |
      limit=10
      burst=20`,
  args: {
    path: { type: "path", required: true, aliases: ["dest", "destfile", "name"] },
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    marker: { type: "str", default: "# {mark} ANSIBLE MANAGED BLOCK" },
    block: { type: "str", default: "", aliases: ["content"] },
    insertafter: { type: "str" },
    insertbefore: { type: "str" },
    create: { type: "bool", default: false },
    marker_begin: { type: "str", default: "BEGIN" },
    marker_end: { type: "str", default: "END" },
    ...fileMetadataArgs()
  },
  mutuallyExclusive: [["insertbefore", "insertafter"]],
  prefetch: (args) => [pathFact(args.path), fileContentFact(args.path)],
  async check(args, ctx) {
    const original = await currentText(args.path, ctx);
    if (original === void 0 && !args.create) {
      return { changed: false, failed: true, message: `Path ${args.path} does not exist !`, result: { rc: 257, msg: `Path ${args.path} does not exist !` } };
    }
    if (original === void 0 && args.state === "absent")
      return { changed: false, message: `File ${args.path} not present`, result: { msg: `File ${args.path} not present` } };
    const result = edit(original ?? "", args);
    const msg = original === result ? "" : original === void 0 ? "File created" : args.state === "absent" || args.block === "" ? "Block removed" : "Block inserted";
    return planEditedFile({ path: args.path, after: original === result ? void 0 : result, msg, mode: args.mode, owner: args.owner, group: args.group }, ctx, original !== void 0);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data, ctx);
    return { changed: true };
  }
};
function edit(original, args) {
  const lines2 = splitLines(original);
  const insertafter = args.insertbefore === void 0 && args.insertafter === void 0 ? "EOF" : args.insertafter;
  const { insertbefore } = args;
  const insertRe = insertafter !== void 0 && insertafter !== "EOF" ? pythonRegExp(insertafter) : insertbefore !== void 0 && insertbefore !== "BOF" ? pythonRegExp(insertbefore) : void 0;
  const marker0 = `${args.marker.replaceAll("{mark}", args.marker_begin)}
`;
  const marker1 = `${args.marker.replaceAll("{mark}", args.marker_end)}
`;
  let blockLines = [];
  if (args.state === "present" && args.block !== "") {
    const block2 = args.block.endsWith("\n") ? args.block : `${args.block}
`;
    blockLines = [marker0, ...splitLines(block2), marker1];
  }
  let n0;
  let n1;
  for (const [i, line] of lines2.entries()) {
    if (line === marker0)
      n0 = i;
    if (line === marker1)
      n1 = i;
  }
  if (n0 === void 0 || n1 === void 0) {
    n0 = void 0;
    if (insertRe) {
      for (const [i, line] of lines2.entries())
        if (insertRe.test(stripEol(line)))
          n0 = i;
      if (n0 === void 0)
        n0 = lines2.length;
      else if (insertafter !== void 0)
        n0 += 1;
    } else if (insertbefore !== void 0) {
      n0 = 0;
    } else {
      n0 = lines2.length;
    }
  } else if (n0 < n1) {
    lines2.splice(n0, n1 - n0 + 1);
  } else {
    lines2.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines2[n0 - 1].endsWith("\n"))
    lines2[n0 - 1] += "\n";
  lines2.splice(n0, 0, ...blockLines);
  return lines2.join("");
}

// dist/lib/modules/replace.js
var replace = {
  name: "replace",
  description: "Replace every match of a regular expression in a text file.",
  example: `- name: New host name everywhere
  replace:
    path: /etc/app.conf
    regexp: 'old\\.example'
    replace: new.example`,
  args: {
    path: { type: "path", required: true, aliases: ["dest", "destfile", "name"] },
    regexp: { type: "str", required: true },
    replace: { type: "str", default: "" },
    after: { type: "str" },
    before: { type: "str" },
    ...fileMetadataArgs()
  },
  prefetch: (args) => [pathFact(args.path), fileContentFact(args.path)],
  async check(args, ctx) {
    const contents = await currentText(args.path, ctx);
    if (contents === void 0)
      return { changed: false, failed: true, message: `Path ${args.path} does not exist !`, result: { rc: 257, msg: `Path ${args.path} does not exist !` } };
    let section = contents;
    let start = 0;
    let end = contents.length;
    const pattern = args.after && args.before ? `${args.after}(?P<subsection>.*?)${args.before}` : args.after ? `${args.after}(?P<subsection>.*)` : args.before ? `(?P<subsection>.*)${args.before}` : "";
    if (pattern) {
      const match = pythonRegExp(pattern, "sd").exec(contents);
      if (!match) {
        const msg = `Pattern for before/after params did not match the given file: ${pattern}`;
        return { changed: false, message: msg, result: { rc: 0, msg } };
      }
      [start, end] = match.indices.groups.subsection;
      section = match.groups.subsection;
    }
    let count = 0;
    const replaced = section.replace(pythonRegExp(args.regexp, "gm"), (...found) => {
      count++;
      const groups = typeof found[found.length - 1] === "object" ? found[found.length - 1] : void 0;
      const numbered = found.slice(0, groups ? -3 : -2);
      const match = Object.assign(numbered, { index: 0, input: section, groups });
      return expandTemplate(args.replace, match);
    });
    const changed = count > 0 && replaced !== section;
    const after = changed ? contents.slice(0, start) + replaced + contents.slice(end) : void 0;
    const plan = await planEditedFile({ path: args.path, after, msg: changed ? `${count} replacements made` : "", mode: args.mode, owner: args.owner, group: args.group }, ctx, true);
    return { ...plan, result: { ...plan.result, rc: 0 } };
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data, ctx);
    return { changed: true };
  }
};

// dist/lib/modules/stat.js
import { createHash as createHash4 } from "node:crypto";
var ALGORITHMS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];
var stat = {
  name: "stat",
  description: "Facts about a path, to register and test.",
  example: `- name: Is there a config?
  stat:
    path: /etc/app.conf
  register: conf`,
  args: {
    path: { type: "path", required: true, aliases: ["dest", "name"] },
    follow: { type: "bool", default: false },
    get_checksum: { type: "bool", default: true },
    checksum_algorithm: { type: "str", default: "sha1", choices: ALGORITHMS, aliases: ["checksum", "checksum_algo"] },
    get_mime: { type: "bool", default: true, aliases: ["mime", "mime_type", "mime-type"] },
    get_attributes: { type: "bool", default: true, aliases: ["attr", "attributes"] }
  },
  prefetch: (args) => [statFact(param(args))],
  async check(args, ctx) {
    const observed = await ctx.facts.get(statFact(param(args)));
    const value = ctx.dryRun && ctx.changedPaths().includes(args.path) ? await predicted(observed, args, ctx) : observed;
    return { changed: false, result: { stat: value } };
  },
  async apply() {
    return { changed: false };
  }
};
function param(args) {
  return { path: args.path, follow: args.follow, checksum: args.get_checksum ? args.checksum_algorithm : void 0 };
}
async function predicted(observed, args, ctx) {
  const state = await ctx.facts.path(args.path);
  if (!state.exists)
    return { exists: false };
  const mode = parseInt(state.mode ?? "0", 8);
  const value = {
    ...observed,
    exists: true,
    path: args.path,
    mode: state.mode,
    isdir: state.type === "directory",
    isreg: state.type === "file",
    islnk: state.type === "link",
    pw_name: state.owner,
    gr_name: state.group,
    ...state.size !== void 0 ? { size: state.size } : {},
    wusr: (mode & 128) !== 0,
    rusr: (mode & 256) !== 0,
    xusr: (mode & 64) !== 0,
    wgrp: (mode & 16) !== 0,
    rgrp: (mode & 32) !== 0,
    xgrp: (mode & 8) !== 0,
    woth: (mode & 2) !== 0,
    roth: (mode & 4) !== 0,
    xoth: (mode & 1) !== 0
  };
  if (state.type === "link")
    value.lnk_target = state.linkTarget;
  const content = state.type === "file" && args.get_checksum ? await ctx.facts.content(args.path) : void 0;
  if (content)
    value.checksum = createHash4(args.checksum_algorithm).update(content).digest("hex");
  else
    delete value.checksum;
  return value;
}

// dist/lib/modules/slurp.js
var slurp = {
  name: "slurp",
  description: "A file's content (base64) to register.",
  example: `- name: Read the token
  slurp:
    src: /etc/app/token
  register: token`,
  args: { src: { type: "path", required: true, aliases: ["path"] } },
  prefetch: (args) => [pathFact(args.src), fileContentFact(args.src)],
  async check(args, ctx) {
    const state = await ctx.facts.path(args.src);
    const fail2 = (msg) => ({ changed: false, failed: true, message: msg, result: { msg } });
    if (!state.exists)
      return fail2(`file not found: ${args.src}`);
    if (state.type === "directory")
      return fail2(`source is a directory and must be a file: ${args.src}`);
    const content = await ctx.facts.content(args.src);
    if (content === void 0)
      return fail2(`file is not readable: ${args.src}`);
    return { changed: false, result: { content: content.toString("base64"), encoding: "base64", source: args.src } };
  },
  async apply() {
    return { changed: false };
  }
};

// dist/lib/modules/index.js
var builtinModules = [command, shell, copy, file, template, systemd, privateKey, certificate, copyFromHost, waitFor, kubernetesNamespace, meta, setFact, debug, assert, fail, includeVars, pause2, setup, lineinfile, blockinfile, replace, stat, slurp, includeTasks, includeRole];
function defaultRegistry() {
  return new ModuleRegistry(builtinModules);
}

export {
  shellQuote,
  requestKey,
  FactError,
  pathFact,
  fileContentFact,
  planProbe,
  parseProbe,
  isTemplated,
  renderValue,
  renderTemplateFile,
  evaluateCondition,
  referencedVariables,
  subsetParts,
  gatheredFact,
  resolveSourceFile,
  sourceFileCandidates,
  loadVarsFile,
  defaultRegistry
};
