import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  loadYamlFile,
  locationOf,
  parseYaml
} from "./chunk-DNMEMACC.js";
import {
  isExecutable,
  isVaultText
} from "./chunk-CEXGABJJ.js";
import {
  InputError,
  didYouMean
} from "./chunk-2UVUKPLH.js";

// dist/lib/inventory/localhost.js
var IMPLICIT_LOCALHOST = ["localhost", "127.0.0.1", "::1"];
function implicitLocalhost(name) {
  return { name, vars: { ansible_connection: "local" }, groups: [], connection: { address: name, port: 22, user: "root", become: false, local: true } };
}

// dist/lib/inventory/load.js
import { readdirSync as readdirSync2, readFileSync, statSync as statSync2 } from "node:fs";
import { homedir } from "node:os";
import { dirname, extname as extname2, isAbsolute, join as join2, resolve } from "node:path";

// dist/lib/playbook/args.js
var RAW_PARAMS = "_raw_params";
function normaliseArgs(module, given, origins) {
  const canonicalOf = /* @__PURE__ */ new Map();
  for (const [name, spec] of Object.entries(module.args)) {
    canonicalOf.set(name, name);
    for (const alias of spec.aliases ?? [])
      canonicalOf.set(alias, name);
  }
  if (module.freeForm && !canonicalOf.has(RAW_PARAMS))
    canonicalOf.set(RAW_PARAMS, RAW_PARAMS);
  const args = {};
  const writtenKey = /* @__PURE__ */ new Map();
  for (const [key, value] of Object.entries(given)) {
    const name = canonicalOf.get(key) ?? (module.anyArgs ? key : void 0);
    if (name === void 0) {
      const known = [...canonicalOf.keys()].filter((k) => k !== RAW_PARAMS);
      throw new InputError(`unknown argument '${key}' for module '${module.name}'${didYouMean(key, known)}`, origins.location(key));
    }
    if (writtenKey.has(name)) {
      throw new InputError(`argument '${name}' of module '${module.name}' given twice (as '${writtenKey.get(name)}' and '${key}')`, origins.location(key));
    }
    writtenKey.set(name, key);
    const spec = module.args[name] ?? { type: module.anyArgs ? "raw" : "str" };
    args[name] = convertValue(value, spec, `argument '${key}' of module '${module.name}'`, origins.valueLocation(key), origins.writtenAs(key));
  }
  for (const [name, spec] of Object.entries(module.args)) {
    if (args[name] !== void 0 && args[name] !== null)
      continue;
    if (spec.default !== void 0)
      args[name] = structuredClone(spec.default);
    else if (spec.required) {
      throw new InputError(`module '${module.name}' requires argument '${name}'`, origins.location(""));
    }
  }
  return args;
}
function absolutePathError(value, spec) {
  if (!spec.absolute || typeof value !== "string" || isTemplated(value))
    return void 0;
  if (value === "")
    return "must not be empty";
  return value.startsWith("/") ? void 0 : `must be an absolute path, got ${JSON.stringify(value)}`;
}
function isTemplated(value) {
  return typeof value === "string" && /\{\{|\{%/.test(value);
}
function convertValue(value, spec, what, location, writtenAs) {
  if (value === null || value === void 0)
    return value;
  const converted = convertType(value, spec.type, spec.elements, what, location, writtenAs);
  const notAbsolute = absolutePathError(converted, spec);
  if (notAbsolute)
    throw new InputError(`${what} ${notAbsolute}`, location);
  if (spec.choices) {
    for (const item of Array.isArray(converted) ? converted : [converted]) {
      if (isTemplated(item))
        continue;
      if (!spec.choices.includes(String(item))) {
        throw new InputError(`${what} must be one of ${spec.choices.join(", ")}; got ${JSON.stringify(item)}${didYouMean(String(item), spec.choices)}`, location);
      }
    }
  }
  return converted;
}
function convertType(value, type, elements, what, location, writtenAs, templatesPending = true) {
  if (templatesPending && isTemplated(value))
    return value;
  const fail2 = (expected) => {
    throw new InputError(`${what} must be ${expected}, got ${JSON.stringify(value)}`, location);
  };
  switch (type) {
    case "raw":
      return value;
    case "str":
    case "path":
      if (typeof value === "string")
        return value;
      if (typeof value === "number" || typeof value === "boolean")
        return String(value);
      return fail2("a string");
    case "bool":
      return toBoolean(value) ?? fail2("a boolean (true/false, yes/no)");
    case "int": {
      const number = typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
      return typeof number === "number" && Number.isInteger(number) ? number : fail2("an integer");
    }
    case "float": {
      const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      return typeof number === "number" && Number.isFinite(number) ? number : fail2("a number");
    }
    case "list": {
      const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",").map((s) => s.trim()).filter(Boolean) : typeof value === "number" ? [value] : fail2("a list");
      return elements ? list.map((item) => convertType(item, elements, void 0, `element of ${what}`, location, void 0, templatesPending)) : list;
    }
    case "dict":
      return typeof value === "object" && value !== null && !Array.isArray(value) ? value : fail2("a mapping");
    case "mode":
      return normaliseMode(value, writtenAs) ?? fail2("a file mode such as '0644' or 'u=rw,g=r'");
  }
}
function toBoolean(value) {
  if (typeof value === "boolean")
    return value;
  if (value === 1 || value === 0)
    return value === 1;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (["true", "yes", "on", "1", "y"].includes(word))
      return true;
    if (["false", "no", "off", "0", "n"].includes(word))
      return false;
  }
  return void 0;
}
function normaliseMode(value, writtenAs) {
  let digits;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) {
    const radixPrefixed = writtenAs !== void 0 && /^[-+]?0[oxb]/i.test(writtenAs.trim());
    digits = radixPrefixed ? value.toString(8) : String(value);
  } else if (typeof value === "string") {
    const text = value.trim();
    if (/^[ugoa]*[-+=][rwxXstugo]*([,][ugoa]*[-+=][rwxXstugo]*)*$/.test(text))
      return text;
    digits = /^0o[0-7]+$/i.test(text) ? text.slice(2) : text;
  }
  if (digits === void 0 || !/^[0-7]{1,5}$/.test(digits))
    return void 0;
  const significant = digits.replace(/^0+/, "");
  if (significant.length > 4)
    return void 0;
  return significant.padStart(4, "0");
}

// dist/lib/inventory/host-pattern.js
var ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
var LABEL = String.raw`(?:[\p{L}\p{N}_]|${ALNUM_RANGE})(?:[\p{L}\p{N}_-]|${ALNUM_RANGE})*(?<![_-])`;
var HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, "iu");
var IPV4_PART = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\[[0-9]+:[0-9]+(?::[0-9]+)?\])`;
var IPV4 = new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`);
var IPV6_LOOSE = /^[0-9a-f:.]*:[0-9a-f:.]*:[0-9a-f:.]*$/i;
var BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
var HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
var HostPatternError = class extends Error {
};
function expandHostPattern(pattern) {
  const parsed = parseAddress(pattern);
  const name = parsed?.host ?? pattern;
  const hosts = name.includes("[") ? expandRanges(name) : [name];
  return parsed?.port !== void 0 ? { hosts, port: parsed.port } : { hosts };
}
function parseAddress(address) {
  let host = address;
  let port;
  for (const pattern of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const match = pattern.exec(host);
    if (match) {
      host = match[1];
      port = Number(match[2]);
    }
  }
  if (IPV4.test(host) || IPV6_LOOSE.test(host) || HOSTNAME.test(host))
    return port === void 0 ? { host } : { host, port };
  return void 0;
}
var LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
function expandRanges(name) {
  const open = name.indexOf("[");
  const close = name.indexOf("]", open);
  if (open === -1)
    return [name];
  if (close === -1)
    throw new HostPatternError(`host range in '${name}' has no closing ']'`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(":");
  if (bounds.length !== 2 && bounds.length !== 3)
    throw new HostPatternError(`host range '${name}' must be [begin:end] or [begin:end:step]`);
  const begin = bounds[0] || "0";
  const end = bounds[1];
  const stepText = bounds[2] ?? "1";
  if (!end)
    throw new HostPatternError(`host range '${name}' must give an end value`);
  if (!/^[0-9]+$/.test(stepText) || Number(stepText) < 1)
    throw new HostPatternError(`host range step in '${name}' must be a positive number`);
  const step = Number(stepText);
  let width = 0;
  if (begin[0] === "0" && begin.length > 1) {
    if (begin.length !== end.length)
      throw new HostPatternError(`host range '${name}' must give begin and end with the same number of digits`);
    width = begin.length;
  }
  const values = [];
  const first = LETTERS.indexOf(begin);
  const last = LETTERS.indexOf(end);
  if (begin.length === 1 && end.length === 1 && first !== -1 && last !== -1) {
    if (first > last)
      throw new HostPatternError(`host range '${name}' must have begin <= end`);
    for (let i = first; i <= last; i += step)
      values.push(LETTERS[i]);
  } else {
    if (!/^[0-9]+$/.test(begin) || !/^[0-9]+$/.test(end))
      throw new HostPatternError(`host range '${name}' must be numbers or single letters`);
    for (let i = Number(begin); i <= Number(end); i += step)
      values.push(width ? String(i).padStart(width, "0") : String(i));
  }
  return values.flatMap((value) => expandRanges(`${head}${value}${tail}`));
}

// dist/lib/inventory/python-literal.js
function pythonLiteral(text) {
  const parser = new LiteralParser(text);
  try {
    parser.skipSpace();
    const value = parser.expression();
    parser.skipSpace();
    if (!parser.atEnd())
      return void 0;
    return { value };
  } catch (error) {
    if (error instanceof NotALiteral)
      return void 0;
    throw error;
  }
}
function iniValue(text) {
  const literal = pythonLiteral(text);
  return literal ? literal.value : text;
}
var NotALiteral = class extends Error {
};
var fail = () => {
  throw new NotALiteral();
};
var LiteralParser = class {
  text;
  at = 0;
  constructor(text) {
    this.text = text;
  }
  atEnd() {
    return this.at >= this.text.length;
  }
  /** Spaces, tabs, and a comment to the end of the line; newlines only inside brackets. */
  skipSpace(newlines = false) {
    for (; ; ) {
      const ch = this.text[this.at];
      if (ch === " " || ch === "	" || ch === "\f" || newlines && (ch === "\n" || ch === "\r"))
        this.at++;
      else if (ch === "\\" && this.text[this.at + 1] === "\n")
        this.at += 2;
      else if (ch === "#")
        while (this.at < this.text.length && this.text[this.at] !== "\n")
          this.at++;
      else
        break;
    }
  }
  expression(nested = false) {
    this.skipSpace(nested);
    const ch = this.text[this.at];
    if (ch === "-" || ch === "+") {
      this.at++;
      this.skipSpace(nested);
      if (!/[0-9.]/.test(this.text[this.at] ?? ""))
        fail();
      const operand = this.number();
      return ch === "-" ? -operand : operand;
    }
    if (ch === "[")
      return this.sequence("]");
    if (ch === "(")
      return this.sequence(")");
    if (ch === "{")
      return this.mapping();
    if (ch === '"' || ch === "'")
      return this.strings(nested);
    if (/[bBrRuUfF]/.test(ch ?? "") && /^[bBrRuU]{1,2}["']/.test(this.text.slice(this.at, this.at + 3)))
      return this.strings(nested);
    if (/[0-9.]/.test(ch ?? ""))
      return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at))?.[0];
    if (word === "True" || word === "False" || word === "None") {
      this.at += word.length;
      return word === "True" ? true : word === "False" ? false : null;
    }
    return fail();
  }
  sequence(close) {
    this.at++;
    const items = [];
    let sawComma = false;
    for (; ; ) {
      this.skipSpace(true);
      if (this.text[this.at] === close) {
        this.at++;
        if (close === ")" && items.length === 1 && !sawComma)
          return items[0];
        return items;
      }
      if (items.length > 0) {
        if (this.text[this.at] !== ",")
          fail();
        this.at++;
        sawComma = true;
        this.skipSpace(true);
        if (this.text[this.at] === close)
          continue;
      }
      items.push(this.expression(true));
    }
  }
  mapping() {
    this.at++;
    const entries = [];
    let isSet;
    for (; ; ) {
      this.skipSpace(true);
      if (this.text[this.at] === "}") {
        this.at++;
        if (isSet)
          return entries.map(([key2]) => key2);
        return Object.fromEntries(entries.map(([k, v]) => [String(k), v]));
      }
      if (entries.length > 0) {
        if (this.text[this.at] !== ",")
          fail();
        this.at++;
        this.skipSpace(true);
        if (this.text[this.at] === "}")
          continue;
      }
      const key = this.expression(true);
      this.skipSpace(true);
      if (this.text[this.at] === ":" && isSet !== true) {
        isSet = false;
        this.at++;
        entries.push([key, this.expression(true)]);
      } else if (isSet !== false) {
        isSet = true;
        entries.push([key, void 0]);
      } else {
        fail();
      }
    }
  }
  /** One string literal or several side by side ('a' "b" is 'ab'). */
  strings(nested) {
    let result = "";
    let any = false;
    for (; ; ) {
      this.skipSpace(nested);
      const prefix = /^([bBrRuU]{0,2})(["'])/.exec(this.text.slice(this.at));
      if (!prefix)
        break;
      this.at += prefix[1].length;
      result += this.string(prefix[1].toLowerCase().includes("r"));
      any = true;
    }
    if (!any)
      fail();
    return result;
  }
  string(raw) {
    const quote = this.text[this.at];
    const triple = this.text.startsWith(quote.repeat(3), this.at);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.at += delimiter.length;
    let result = "";
    for (; ; ) {
      if (this.at >= this.text.length)
        fail();
      if (this.text.startsWith(delimiter, this.at)) {
        this.at += delimiter.length;
        return result;
      }
      const ch = this.text[this.at];
      if (ch === "\n" && !triple)
        fail();
      if (ch === "\\") {
        const next = this.text[this.at + 1];
        if (next === void 0)
          fail();
        if (raw) {
          result += ch + next;
          this.at += 2;
          continue;
        }
        this.at += 2;
        result += this.escape(next);
        continue;
      }
      result += ch;
      this.at++;
    }
  }
  escape(next) {
    const simple = { n: "\n", t: "	", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "\n": "" };
    if (next in simple)
      return simple[next];
    const hex = (length) => {
      const digits = this.text.slice(this.at, this.at + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits))
        fail();
      this.at += length;
      return String.fromCodePoint(parseInt(digits, 16));
    };
    if (next === "x")
      return hex(2);
    if (next === "u")
      return hex(4);
    if (next === "U")
      return hex(8);
    if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(this.text[this.at] ?? ""))
        digits += this.text[this.at++];
      return String.fromCharCode(parseInt(digits, 8));
    }
    return `\\${next}`;
  }
  number() {
    const rest = this.text.slice(this.at);
    const radix = /^0([xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)(?![0-9A-Za-z_.])/.exec(rest);
    if (radix) {
      this.at += radix[0].length;
      const body = radix[1].slice(1).replace(/_/g, "");
      const base = { x: 16, o: 8, b: 2 }[radix[1][0].toLowerCase()];
      return parseInt(body, base);
    }
    const digits = "[0-9](?:_?[0-9])*";
    const float = new RegExp(`^(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?(?![0-9A-Za-z_.])`).exec(rest);
    if (!float || float[0] === ".")
      return fail();
    const written = float[0];
    const isInteger = /^[0-9_]+$/.test(written);
    if (isInteger && /^0[0-9_]*[1-9]/.test(written))
      return fail();
    if (/[jJ]/.test(this.text[this.at + written.length] ?? ""))
      return fail();
    this.at += written.length;
    return Number(written.replace(/_/g, ""));
  }
};

// dist/lib/inventory/ini.js
function readIniInventory(text, file, sink) {
  const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
  const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
  const pending = /* @__PURE__ */ new Map();
  let group = "ungrouped";
  let state = "hosts";
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    const at = { file, line: lineNumber, column: raw.length - raw.trimStart().length + 1 };
    if (line === "" || line[0] === "#" || line[0] === ";")
      return;
    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      state = section[2] ?? "hosts";
      if (!["hosts", "children", "vars"].includes(state))
        throw new InputError(`section [${section[1]}:${state}] has unknown type '${state}' (hosts, children or vars)`, at);
      if (!sink.hasGroup(group)) {
        if (state === "vars" && !pending.has(group))
          pending.set(group, { line: lineNumber, state: "vars", parents: [] });
        sink.addGroup(group, at);
      }
      const waiting = pending.get(group);
      if (waiting && state !== "vars") {
        if (waiting.state === "children")
          resolveChildren(group, pending, sink, at);
        else
          pending.delete(group);
      }
      return;
    }
    if (line.startsWith("[") && line.endsWith("]")) {
      throw new InputError(`invalid section '${line}': a section is [group], [group:vars] or [group:children], without spaces`, at);
    }
    if (state === "hosts") {
      let tokens;
      try {
        tokens = shellWords(line);
      } catch (error) {
        throw new InputError(`cannot parse host line '${line}': ${error.message}`, at);
      }
      if (tokens.length === 0)
        return;
      const vars = {};
      for (const token of tokens.slice(1)) {
        const equals = token.indexOf("=");
        if (equals === -1)
          throw new InputError(`expected key=value after the host name, got '${token}'`, at);
        vars[token.slice(0, equals)] = iniValue(token.slice(equals + 1));
      }
      if (tokens[0].trim().endsWith(":"))
        throw new InputError(`host '${tokens[0]}' ends in ':' without a port`, at);
      let expanded;
      try {
        expanded = expandHostPattern(tokens[0]);
      } catch (error) {
        if (error instanceof HostPatternError)
          throw new InputError(error.message, at);
        throw error;
      }
      if (expanded.hosts.some((h) => h.trim() === "---"))
        throw new InputError(`host '---' looks like a YAML document, not INI`, at);
      for (const host of expanded.hosts)
        sink.addHost(group, host, vars, at, expanded.port);
    } else if (state === "vars") {
      const equals = line.indexOf("=");
      if (equals === -1)
        throw new InputError(`expected key=value in [${group}:vars], got '${line}'`, at);
      sink.setGroupVar(group, line.slice(0, equals).trim(), iniValue(line.slice(equals + 1).trim()), at);
    } else {
      const child = GROUP_NAME.exec(line)?.[1];
      if (!child)
        throw new InputError(`expected a group name in [${group}:children], got '${line}'`, at);
      if (sink.hasGroup(child)) {
        sink.addChild(group, child, at);
      } else {
        const waiting = pending.get(child);
        if (waiting)
          waiting.parents.push(group);
        else
          pending.set(child, { line: lineNumber, state: "children", parents: [group] });
      }
    }
  });
  for (const [name, waiting] of pending) {
    const at = { file, line: waiting.line, column: 1 };
    if (waiting.state === "vars")
      throw new InputError(`section [${name}:vars] is for group '${name}', which is not declared ([${name}] or [${name}:children])`, at);
    throw new InputError(`section [${waiting.parents.at(-1)}:children] names group '${name}', which is not declared`, at);
  }
}
function resolveChildren(group, pending, sink, at) {
  const waiting = pending.get(group);
  pending.delete(group);
  for (const parent of waiting.parents) {
    sink.addChild(parent, group, at);
    if (pending.get(parent)?.state === "children")
      resolveChildren(parent, pending, sink, at);
  }
}
function shellWords(line) {
  const words = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === " " || ch === "	" || ch === "\n" || ch === "\r") {
      if (inWord)
        words.push(word);
      word = "";
      inWord = false;
    } else if (ch === "#") {
      break;
    } else if (ch === "\\") {
      if (i + 1 >= line.length)
        throw new Error("no character after a backslash");
      word += line[++i];
      inWord = true;
    } else if (ch === "'" || ch === '"') {
      const close = ch;
      inWord = true;
      for (i++; ; i++) {
        if (i >= line.length)
          throw new Error("no closing quotation");
        const inner = line[i];
        if (inner === close)
          break;
        if (close === '"' && inner === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\"))
          word += line[++i];
        else
          word += inner;
      }
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord)
    words.push(word);
  return words;
}

// dist/lib/inventory/vars-files.js
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
var EXTENSIONS = [".yml", ".yaml", ".json"];
var VarsFiles = class {
  cache;
  constructor(cache = /* @__PURE__ */ new Map()) {
    this.cache = cache;
  }
  groupVars(dir, group) {
    return this.read(join(dir, "group_vars"), group);
  }
  hostVars(dir, host) {
    return this.read(join(dir, "host_vars"), host);
  }
  read(folder, name) {
    const key = `${folder}\0${name}`;
    const cached = this.cache.get(key);
    if (cached)
      return cached;
    const vars = {};
    if (!name.startsWith("/")) {
      for (const file of findVarsFiles(folder, name))
        Object.assign(vars, loadVarsFile(file));
    }
    this.cache.set(key, vars);
    return vars;
  }
};
function findVarsFiles(folder, name) {
  if (!isDirectory(folder))
    return [];
  for (const ext of ["", ...EXTENSIONS]) {
    const path = join(folder, `${name}${ext}`);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    return stat.isDirectory() ? filesIn(path) : [path];
  }
  return [];
}
function filesIn(dir) {
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith(".") || entry.endsWith("~"))
      continue;
    const path = join(dir, entry);
    const ext = extname(entry);
    const stat = statSync(path);
    if (stat.isDirectory() && !ext)
      found.push(...filesIn(path));
    else if (stat.isFile() && (!ext || EXTENSIONS.includes(ext)))
      found.push(path);
  }
  return found;
}
function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
function loadVarsFile(file) {
  const data = loadYamlFile(file);
  if (data === null || data === void 0)
    return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    const at = locationOf(data) ?? { file, line: 1, column: 1 };
    throw new InputError(`vars file must be a mapping of variables, got ${Array.isArray(data) ? "a list" : JSON.stringify(data)}`, at);
  }
  return data;
}

// dist/lib/inventory/load.js
var GROUP_KEYS = ["hosts", "vars", "children"];
var IGNORED_NAME = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
var YAML_EXTENSIONS = [".yml", ".yaml", ".json"];
var builtStates = /* @__PURE__ */ new WeakMap();
function loadInventory(sources, options = {}) {
  const builder = new InventoryBuilder(sources[0] ?? "inventory");
  const sourceDirs = [];
  for (const source of sources) {
    if (isHostList(source)) {
      for (const entry of source.split(",").map((s) => s.trim()).filter(Boolean)) {
        const { hosts, port } = expandHostListEntry(entry);
        for (const host of hosts)
          builder.addHost("ungrouped", host, {}, void 0, port);
      }
      continue;
    }
    const path = resolve(source);
    let stat;
    try {
      stat = statSync2(path);
    } catch {
      throw new InputError(`inventory ${source} does not exist`);
    }
    builder.currentSource = path;
    if (stat.isDirectory()) {
      sourceDirs.push(path);
      readDirectorySource(path, builder);
    } else {
      sourceDirs.push(dirname(path));
      readFileSource(path, builder);
    }
  }
  const varsFiles = new VarsFiles(options.varsCache);
  const inventory = builder.build(sourceDirs, varsFiles, void 0);
  builtStates.set(inventory, { builder, sourceDirs, varsFiles, byPlaybookDir: /* @__PURE__ */ new Map(), root: inventory, implicit: /* @__PURE__ */ new Set() });
  return inventory;
}
function withPlaybookDir(inventory, playbookDir) {
  const state = builtStates.get(inventory);
  if (!state || inventory.playbookDir === playbookDir)
    return inventory;
  let layered = state.byPlaybookDir.get(playbookDir);
  if (!layered) {
    layered = state.builder.build(state.sourceDirs, state.varsFiles, playbookDir);
    for (const name of state.implicit)
      layered.hosts.set(name, state.builder.buildImplicit(name, state.sourceDirs, state.varsFiles, playbookDir));
    state.byPlaybookDir.set(playbookDir, layered);
    builtStates.set(layered, state);
  }
  return layered;
}
function addImplicitLocalhost(inventory, name) {
  if (inventory.hosts.has(name) || !IMPLICIT_LOCALHOST.includes(name))
    return;
  const state = builtStates.get(inventory);
  if (!state) {
    inventory.hosts.set(name, implicitLocalhost(name));
    return;
  }
  state.implicit.add(name);
  const layered = /* @__PURE__ */ new Set([state.root, inventory, ...state.byPlaybookDir.values()]);
  for (const each of layered)
    if (!each.hosts.has(name))
      each.hosts.set(name, state.builder.buildImplicit(name, state.sourceDirs, state.varsFiles, each.playbookDir));
}
function isHostList(source) {
  if (!source.includes(","))
    return false;
  try {
    statSync2(source);
    return false;
  } catch {
    return true;
  }
}
function expandHostListEntry(entry) {
  try {
    return expandHostPattern(entry);
  } catch (error) {
    if (error instanceof HostPatternError)
      throw new InputError(`inventory host list: ${error.message}`);
    throw error;
  }
}
function readDirectorySource(dir, builder) {
  for (const name of readdirSync2(dir).sort()) {
    if (IGNORED_NAME.test(name))
      continue;
    const path = join2(dir, name);
    if (statSync2(path).isDirectory())
      readDirectorySource(path, builder);
    else {
      builder.currentSource = path;
      readFileSource(path, builder);
    }
  }
}
function readFileSource(file, builder) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read inventory ${file}: ${error.code ?? error}`);
  }
  if (text.startsWith("#!") && isExecutable(file)) {
    throw new InputError(`${file} is an executable inventory script; runbook reads YAML and INI inventories only (run the script and save its output as YAML)`);
  }
  if (isVaultText(text)) {
    readYamlInventory(loadYamlFile(file), file, builder);
    return;
  }
  readInventoryText(text, file, builder);
}
function readInventoryText(text, file, builder) {
  const ext = extname2(file).toLowerCase();
  const yamlFirst = ext === "" || YAML_EXTENSIONS.includes(ext);
  if (yamlFirst) {
    let data;
    let yamlError;
    try {
      data = parseYaml(text, file);
    } catch (error) {
      yamlError = error;
    }
    if (yamlError === void 0 && (data === null || data === void 0 || isMapping(data))) {
      if (isMapping(data) && data.plugin !== void 0) {
        throw new InputError(`inventory plugin '${String(data.plugin)}' is not supported; runbook reads YAML and INI inventories`, locationOf(data, "plugin"));
      }
      readYamlInventory(data, file, builder);
      return;
    }
    if (ext !== "" && yamlError !== void 0)
      throw yamlError;
    if (ext !== "" && looksLikeYaml(text))
      throw new InputError("inventory must be a mapping of groups (all: ...)", locationOf(data) ?? { file, line: 1, column: 1 });
  }
  readIniInventory(text, file, builder);
}
function looksLikeYaml(text) {
  return /^\s*(-\s|---)/m.test(text.split("\n").find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "");
}
function readYamlInventory(data, file, builder) {
  if (data === null || data === void 0)
    return;
  if (!isMapping(data))
    throw new InputError("inventory must be a mapping of groups (all: ...)", locationOf(data) ?? { file, line: 1, column: 1 });
  for (const [name, value] of Object.entries(data))
    readYamlGroup(builder, name, value, void 0, locationOf(data, name));
}
function readYamlGroup(builder, name, value, parent, location) {
  builder.addGroup(name, location);
  if (parent !== void 0)
    builder.addChild(parent, name, location);
  if (value === null || value === void 0)
    return;
  if (!isMapping(value))
    throw new InputError(`group '${name}' must be a mapping with hosts, vars or children`, location);
  for (const [key, section] of Object.entries(value)) {
    const keyLocation = locationOf(value, key) ?? location;
    if (!GROUP_KEYS.includes(key)) {
      throw new InputError(`unknown key '${key}' in group '${name}'${didYouMean(key, GROUP_KEYS)}; a group has only hosts, vars and children`, keyLocation);
    }
    if (section === null || section === void 0)
      continue;
    const entries = typeof section === "string" ? { [section]: null } : section;
    if (!isMapping(entries))
      throw new InputError(`'${key}' of group '${name}' must be a mapping`, keyLocation);
    if (key === "vars") {
      for (const [varName, varValue] of Object.entries(entries))
        builder.setGroupVar(name, varName, varValue, locationOf(entries, varName) ?? keyLocation);
    } else if (key === "hosts") {
      for (const [pattern, hostVars] of Object.entries(entries)) {
        const at = locationOf(entries, pattern) ?? keyLocation;
        if (hostVars !== null && hostVars !== void 0 && !isMapping(hostVars))
          throw new InputError(`host '${pattern}' must have a mapping of variables (or nothing)`, at);
        let expanded;
        try {
          expanded = expandHostPattern(pattern);
        } catch (error) {
          if (error instanceof HostPatternError)
            throw new InputError(error.message, at);
          throw error;
        }
        const vars = hostVars ?? {};
        const varLocations = /* @__PURE__ */ new Map();
        for (const varName of Object.keys(vars))
          varLocations.set(varName, locationOf(vars, varName) ?? at);
        for (const host of expanded.hosts)
          builder.addHost(name, host, vars, at, expanded.port, varLocations);
      }
    } else {
      for (const [child, childValue] of Object.entries(entries))
        readYamlGroup(builder, child, childValue, name, locationOf(entries, child) ?? keyLocation);
    }
  }
}
var InventoryBuilder = class {
  file;
  groups = /* @__PURE__ */ new Map();
  hosts = /* @__PURE__ */ new Map();
  currentSource;
  constructor(file) {
    this.file = file;
    this.currentSource = file;
    this.addGroup("all");
    this.addGroup("ungrouped");
    this.addChild("all", "ungrouped");
  }
  hasGroup(name) {
    return this.groups.has(name);
  }
  addGroup(name, _location) {
    if (!this.groups.has(name))
      this.groups.set(name, { name, parents: [], children: [], hosts: [], vars: {}, varLocations: /* @__PURE__ */ new Map(), priority: 1, depth: 0 });
  }
  addChild(parent, child, location) {
    this.addGroup(parent);
    this.addGroup(child);
    const parentNode = this.groups.get(parent);
    const childNode = this.groups.get(child);
    if (parent === child || this.ancestorsOf(parent).has(child)) {
      throw new InputError(`group '${child}' is its own ancestor (adding it under '${parent}' makes a loop)`, location);
    }
    if (!parentNode.children.includes(child))
      parentNode.children.push(child);
    if (!childNode.parents.includes(parent))
      childNode.parents.push(parent);
  }
  ancestorsOf(name) {
    const seen = /* @__PURE__ */ new Set();
    const walk = (group) => {
      for (const parent of this.groups.get(group)?.parents ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent);
          walk(parent);
        }
      }
    };
    walk(name);
    return seen;
  }
  addHost(groupName, name, vars, location, port, varLocations) {
    if (name === "")
      throw new InputError("a host name is empty", location);
    this.addGroup(groupName);
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {}, varLocations: /* @__PURE__ */ new Map(), directGroups: /* @__PURE__ */ new Set(), location };
      this.hosts.set(name, host);
      host.vars.inventory_file = this.currentSource;
      host.vars.inventory_dir = dirname(this.currentSource);
      if (port !== void 0)
        this.setHostVar(host, "ansible_port", port, location);
    }
    const group = this.groups.get(groupName);
    if (!group.hosts.includes(name))
      group.hosts.push(name);
    host.directGroups.add(groupName);
    for (const [key, value] of Object.entries(vars))
      this.setHostVar(host, key, value, varLocations?.get(key) ?? location);
  }
  setHostVar(host, key, value, location) {
    host.vars[key] = value;
    if (location)
      host.varLocations.set(key, location);
  }
  setGroupVar(groupName, key, value, location) {
    this.addGroup(groupName);
    const group = this.groups.get(groupName);
    if (key === "ansible_group_priority") {
      const priority = Number(value);
      if (!Number.isInteger(priority))
        throw new InputError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`, location);
      group.priority = priority;
      return;
    }
    group.vars[key] = value;
    if (location)
      group.varLocations.set(key, location);
  }
  /** reconcile_inventory: parentless groups under all, hosts in no group in ungrouped (and only there). */
  reconcile() {
    for (const group of this.groups.values()) {
      if (group.name !== "all" && group.parents.length === 0)
        this.addChild("all", group.name);
    }
    const ungrouped = this.groups.get("ungrouped");
    for (const host of this.hosts.values()) {
      const others = [...host.directGroups].filter((g) => g !== "all" && g !== "ungrouped");
      if (others.length > 0) {
        if (host.directGroups.delete("ungrouped"))
          ungrouped.hosts = ungrouped.hosts.filter((h) => h !== host.name);
      } else if (!ungrouped.hosts.includes(host.name)) {
        ungrouped.hosts.push(host.name);
        host.directGroups.add("ungrouped");
      }
    }
    for (const group of this.groups.values())
      group.depth = 0;
    this.computeDepths("all", 0);
  }
  computeDepths(name, depth) {
    const group = this.groups.get(name);
    if (depth < group.depth)
      return;
    group.depth = depth;
    for (const child of group.children)
      this.computeDepths(child, depth + 1);
  }
  build(sourceDirs, varsFiles, playbookDir) {
    this.reconcile();
    const groups = /* @__PURE__ */ new Map();
    const members = /* @__PURE__ */ new Map();
    for (const name of this.groups.keys()) {
      const hosts2 = this.hostsOf(name);
      groups.set(name, hosts2);
      members.set(name, new Set(hosts2));
    }
    const hosts = /* @__PURE__ */ new Map();
    for (const name of groups.get("all"))
      hosts.set(name, this.buildHost(this.hosts.get(name), members, sourceDirs, varsFiles, playbookDir));
    const groupTree = /* @__PURE__ */ new Map();
    for (const group of this.groups.values())
      groupTree.set(group.name, { children: [...group.children], hosts: [...group.hosts], vars: { ...group.vars }, priority: group.priority });
    const inventory = { file: this.file, hosts, groups, groupTree, sourceDirs: [...sourceDirs] };
    if (playbookDir !== void 0)
      inventory.playbookDir = playbookDir;
    return inventory;
  }
  /** Group.get_hosts: the group's own hosts, then its descendants' level by level, each host once. */
  hostsOf(name) {
    const ordered = [name];
    const seen = new Set(ordered);
    let level = [name];
    while (level.length > 0) {
      const next = [];
      for (const group of level) {
        for (const child of this.groups.get(group).children) {
          if (!seen.has(child)) {
            seen.add(child);
            ordered.push(child);
            next.push(child);
          }
        }
      }
      level = next;
    }
    const hosts = [];
    const seenHosts = /* @__PURE__ */ new Set();
    for (const group of ordered) {
      for (const host of this.groups.get(group).hosts) {
        if (!seenHosts.has(host)) {
          seenHosts.add(host);
          hosts.push(host);
        }
      }
    }
    return hosts;
  }
  /** The implicit localhost: group all's variables and group_vars/all, its host_vars, a local connection. */
  buildImplicit(name, sourceDirs, varsFiles, playbookDir) {
    const vars = { ...this.groups.get("all").vars };
    for (const dir of sourceDirs)
      Object.assign(vars, varsFiles.groupVars(dir, "all"));
    if (playbookDir !== void 0)
      Object.assign(vars, varsFiles.groupVars(playbookDir, "all"));
    vars.ansible_connection = "local";
    for (const dir of sourceDirs)
      Object.assign(vars, varsFiles.hostVars(dir, name));
    if (playbookDir !== void 0)
      Object.assign(vars, varsFiles.hostVars(playbookDir, name));
    const host = implicitLocalhost(name);
    return { ...host, vars, connection: vars.ansible_connection === "local" ? host.connection : connectionOf(name, vars, () => void 0, this.file) };
  }
  buildHost(host, members, sourceDirs, varsFiles, playbookDir) {
    const groups = [...this.groups.values()].filter((g) => members.get(g.name).has(host.name)).sort(compareGroups);
    const others = groups.filter((g) => g.name !== "all").map((g) => g.name);
    const vars = {};
    const varLocations = /* @__PURE__ */ new Map();
    const layer = (source, locations) => {
      for (const [key, value] of Object.entries(source)) {
        vars[key] = value;
        const location = locations?.get(key) ?? locationOf(source, key);
        if (location)
          varLocations.set(key, location);
        else
          varLocations.delete(key);
      }
    };
    for (const group of groups)
      layer(group.vars, group.varLocations);
    for (const dir of sourceDirs)
      layer(varsFiles.groupVars(dir, "all"));
    if (playbookDir !== void 0)
      layer(varsFiles.groupVars(playbookDir, "all"));
    for (const dir of sourceDirs)
      for (const group of others)
        layer(varsFiles.groupVars(dir, group));
    if (playbookDir !== void 0)
      for (const group of others)
        layer(varsFiles.groupVars(playbookDir, group));
    layer(host.vars, host.varLocations);
    for (const dir of sourceDirs)
      layer(varsFiles.hostVars(dir, host.name));
    if (playbookDir !== void 0)
      layer(varsFiles.hostVars(playbookDir, host.name));
    return {
      name: host.name,
      vars,
      groups: groups.map((g) => g.name),
      connection: connectionOf(host.name, vars, (key) => varLocations.get(key) ?? host.location, this.file),
      location: host.location
    };
  }
};
function compareGroups(a, b) {
  return a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
function connectionOf(name, vars, where, inventoryFile) {
  const connection = {
    address: vars.ansible_host === void 0 || vars.ansible_host === null ? name : String(vars.ansible_host),
    port: portOf(vars.ansible_port, where("ansible_port")),
    user: vars.ansible_user === void 0 || vars.ansible_user === null ? "root" : String(vars.ansible_user),
    become: vars.ansible_become === void 0 ? false : booleanOf(vars.ansible_become, "ansible_become", where("ansible_become"))
  };
  const keyFile = vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file;
  if (keyFile !== void 0 && keyFile !== null)
    connection.privateKeyFile = resolveUserPath(String(keyFile), inventoryBaseDir(inventoryFile));
  if (vars.ansible_become_user !== void 0 && vars.ansible_become_user !== null)
    connection.becomeUser = String(vars.ansible_become_user);
  if (vars.ansible_connection === "local")
    connection.local = true;
  return connection;
}
function inventoryBaseDir(inventoryFile) {
  const path = resolve(inventoryFile);
  try {
    if (statSync2(path).isDirectory())
      return path;
  } catch {
  }
  return dirname(path);
}
function portOf(value, location) {
  if (value === void 0 || value === null)
    return 22;
  const port = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`ansible_port must be a port number between 1 and 65535, got ${JSON.stringify(value)}`, location);
  }
  return port;
}
function booleanOf(value, what, location) {
  const known = toBoolean(value);
  if (known !== void 0)
    return known;
  throw new InputError(`${what} must be a boolean (true/false, yes/no), got ${JSON.stringify(value)}`, location);
}
function resolveUserPath(path, baseDir) {
  if (path === "~")
    return homedir();
  if (path.startsWith("~/"))
    return join2(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
function isMapping(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export {
  IMPLICIT_LOCALHOST,
  implicitLocalhost,
  RAW_PARAMS,
  normaliseArgs,
  absolutePathError,
  isTemplated,
  convertType,
  toBoolean,
  normaliseMode,
  VarsFiles,
  loadInventory,
  withPlaybookDir,
  addImplicitLocalhost
};
