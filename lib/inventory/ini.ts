import { InputError, type SourceLocation } from '../errors.js';
import { expandHostPattern, HostPatternError } from './host-pattern.js';
import { iniValue } from './python-literal.js';
import type { InventorySink } from './sink.js';

/**
 * Ansible's INI inventory (plugins/inventory/ini.py), line by line:
 *
 *   host0                          # before any section: ungrouped
 *   [web]
 *   web[01:20].example.com ansible_user=deploy
 *   db-a:2222 tier="'gold'"        # host:port; key=value pairs split as a shell would
 *   [web:vars]
 *   http_port=8080                 # values are Python literals (8080 an int, True a bool), else text
 *   [prod:children]
 *   web
 *
 * `[g:vars]` and `[g:children]` may name groups declared later in the file; a group never
 * declared is an error, as is any line that cannot be parsed (Ansible warns and skips the
 * whole file; here it stops the run before any host is touched).
 */
export function readIniInventory(text: string, file: string, sink: InventorySink): void {
  const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
  const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
  const pending = new Map<string, { line: number; state: 'vars' | 'children'; parents: string[] }>();
  let group = 'ungrouped';
  let state = 'hosts';
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    const at: SourceLocation = { file, line: lineNumber, column: raw.length - raw.trimStart().length + 1 };
    if (line === '' || line[0] === '#' || line[0] === ';') return;

    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      state = section[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) throw new InputError(`section [${section[1]}:${state}] has unknown type '${state}' (hosts, children or vars)`, at);
      if (!sink.hasGroup(group)) {
        // [g:vars] alone does not declare g: it must be declared somewhere in the file.
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNumber, state: 'vars', parents: [] });
        sink.addGroup(group, at);
      }
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') resolveChildren(group, pending, sink, at);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw new InputError(`invalid section '${line}': a section is [group], [group:vars] or [group:children], without spaces`, at);
    }

    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shellWords(line);
      } catch (error) {
        throw new InputError(`cannot parse host line '${line}': ${(error as Error).message}`, at);
      }
      if (tokens.length === 0) return;
      const vars: Record<string, unknown> = {};
      for (const token of tokens.slice(1)) {
        const equals = token.indexOf('=');
        if (equals === -1) throw new InputError(`expected key=value after the host name, got '${token}'`, at);
        vars[token.slice(0, equals)] = iniValue(token.slice(equals + 1));
      }
      if (tokens[0].trim().endsWith(':')) throw new InputError(`host '${tokens[0]}' ends in ':' without a port`, at);
      let expanded;
      try {
        expanded = expandHostPattern(tokens[0]);
      } catch (error) {
        if (error instanceof HostPatternError) throw new InputError(error.message, at);
        throw error;
      }
      if (expanded.hosts.some((h) => h.trim() === '---')) throw new InputError(`host '---' looks like a YAML document, not INI`, at);
      for (const host of expanded.hosts) sink.addHost(group, host, vars, at, expanded.port);
    } else if (state === 'vars') {
      const equals = line.indexOf('=');
      if (equals === -1) throw new InputError(`expected key=value in [${group}:vars], got '${line}'`, at);
      sink.setGroupVar(group, line.slice(0, equals).trim(), iniValue(line.slice(equals + 1).trim()), at);
    } else {
      const child = GROUP_NAME.exec(line)?.[1];
      if (!child) throw new InputError(`expected a group name in [${group}:children], got '${line}'`, at);
      if (sink.hasGroup(child)) {
        sink.addChild(group, child, at);
      } else {
        const waiting = pending.get(child);
        if (waiting) waiting.parents.push(group);
        else pending.set(child, { line: lineNumber, state: 'children', parents: [group] });
      }
    }
  });
  for (const [name, waiting] of pending) {
    const at = { file, line: waiting.line, column: 1 };
    if (waiting.state === 'vars') throw new InputError(`section [${name}:vars] is for group '${name}', which is not declared ([${name}] or [${name}:children])`, at);
    throw new InputError(`section [${waiting.parents.at(-1)}:children] names group '${name}', which is not declared`, at);
  }
}

function resolveChildren(group: string, pending: Map<string, { line: number; state: 'vars' | 'children'; parents: string[] }>, sink: InventorySink, at: SourceLocation): void {
  const waiting = pending.get(group)!;
  pending.delete(group);
  for (const parent of waiting.parents) {
    sink.addChild(parent, group, at);
    if (pending.get(parent)?.state === 'children') resolveChildren(parent, pending, sink, at);
  }
}

/** Python's shlex.split(line, comments=True) in POSIX mode: quotes, backslashes, `#` comments. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (ch === '#') {
      break;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new Error('no character after a backslash');
      word += line[++i];
      inWord = true;
    } else if (ch === "'" || ch === '"') {
      const close = ch;
      inWord = true;
      for (i++; ; i++) {
        if (i >= line.length) throw new Error('no closing quotation');
        const inner = line[i];
        if (inner === close) break;
        if (close === '"' && inner === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
        else word += inner;
      }
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
