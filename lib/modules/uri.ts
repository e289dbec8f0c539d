import { isRelativeMode } from '../util/modes.js';
import { posix } from 'node:path';
import { pathFact } from '../facts/path.js';
import { shellQuote } from '../util/shell.js';
import { fileMetadataArgs, setMetadata } from './file-state.js';
import { curlConfig, curlFact, formUrlencoded, headerList, parseHeaderBlocks, pythonJson, requireCurl, urlArgs, type RequestArgs } from './http-request.js';
import type { ModuleDefinition } from './types.js';

interface UriArgs extends RequestArgs {
  method: string;
  body?: unknown;
  body_format: 'raw' | 'json' | 'form-urlencoded';
  status_code: number[];
  return_content: boolean;
  follow_redirects: string;
  timeout: number;
  dest?: string;
  creates?: string;
  removes?: string;
  mode?: string;
  owner?: string;
  group?: string;
}

/** The request as Ansible's uri main() prepares it: body encoded by body_format, Content-Type added when absent. */
export function prepareBody(args: Pick<UriArgs, 'body' | 'body_format' | 'headers'>): { body?: string; headers: Array<[string, string]> } {
  const headers = headerList(args.headers);
  const hasType = headers.some(([name]) => name.toLowerCase() === 'content-type');
  if (args.body === undefined || args.body === null) {
    return { headers: args.body_format === 'raw' || hasType ? headers : [...headers, ['Content-Type', args.body_format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded']] };
  }
  if (args.body_format === 'json') {
    return { body: typeof args.body === 'string' ? args.body : pythonJson(args.body), headers: hasType ? headers : [...headers, ['Content-Type', 'application/json']] };
  }
  if (args.body_format === 'form-urlencoded') {
    return { body: typeof args.body === 'string' ? args.body : formUrlencoded(args.body), headers: hasType ? headers : [...headers, ['Content-Type', 'application/x-www-form-urlencoded']] };
  }
  return { body: typeof args.body === 'string' ? args.body : pythonJson(args.body), headers };
}

/** Ansible's follow_redirects: 'safe' follows for GET and HEAD only. */
function follows(mode: string, method: string): boolean {
  if (['all', 'yes', 'urllib2'].includes(mode)) return true;
  if (['none', 'no'].includes(mode)) return false;
  return method === 'GET' || method === 'HEAD';
}

/**
 * The host's script: the request with curl (config and body on stdin, split by length), then
 * `<curl exit> <status> <header bytes> <body bytes>` and the bytes. With dest, the body replaces
 * dest atomically when the status is an expected one (and not 304), as Ansible's write_file.
 */
export function requestScript(configBytes: number, bodyBytes: number | undefined, dest: string | undefined, statusCodes: number[]): string {
  const write = dest === undefined ? '' : `
case " ${statusCodes.join(' ')} " in *" $code "*) if [ "$code" != 304 ]; then
  w=$(mktemp ${shellQuote(posix.dirname(dest))}/.runbook.uri.XXXXXX) && cat -- "$t/o" >"$w" && chmod 0644 -- "$w" && mv -f -- "$w" ${shellQuote(dest)} || { rm -f -- "$w"; exit 1; }
  wrote=1
fi;; esac`;
  return `t=$(mktemp -d) || exit 1
trap 'rm -rf -- "$t"' EXIT
cd "$t" && head -c ${configBytes} >cfg${bodyBytes !== undefined ? ' && cat >body' : ''} || exit 1
out=$(curl -K cfg -D h -o o -w '%{http_code} %{url_effective}'); rc=$?
code=\${out%% *}
: >>h; : >>o
wrote=0${write}
printf '%s %s %s %s %s\\n' "$rc" "$wrote" $(($(wc -c <h))) $(($(wc -c <o))) "$out"
cat h o`;
}

export interface UriResponse {
  curlExit: number;
  wrote: boolean;
  status: number;
  reason: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export function parseResponse(stdout: Buffer): UriResponse {
  const newline = stdout.indexOf(0x0a);
  const head = /^(\d+) ([01]) (\d+) (\d+) (\d{3})?(?: (.*))?$/.exec(stdout.subarray(0, newline).toString('utf8'));
  if (!head) throw new Error(`uri: the host's answer does not parse: ${stdout.subarray(0, 120).toString('utf8')}`);
  const headerBytes = Number(head[3]);
  const bodyBytes = Number(head[4]);
  const headerText = stdout.subarray(newline + 1, newline + 1 + headerBytes).toString('latin1');
  const body = stdout.subarray(newline + 1 + headerBytes, newline + 1 + headerBytes + bodyBytes);
  const parsed = parseHeaderBlocks(headerText);
  return { curlExit: Number(head[1]), wrote: head[2] === '1', status: head[5] ? Number(head[5]) : -1, reason: parsed.reason, url: head[6] ?? '', headers: parsed.headers, body };
}

const JSON_TYPES = ['json', 'javascript'];

/** Ansible's registered result: status, url, redirected, msg, every response header (lower case, `_` for `-`), json, content. */
export function uriResult(args: Pick<UriArgs, 'url' | 'return_content' | 'status_code' | 'dest'>, response: UriResponse): { failed: boolean; result: Record<string, unknown> } {
  const contentType = response.headers['content-type'] ?? 'application/octet-stream';
  const [mainType = '', subType = ''] = contentType.split(';')[0].trim().toLowerCase().split('/');
  const suffix = subType.includes('+') ? subType.split('+')[1] : subType;
  const maybeJson = mainType !== '' && JSON_TYPES.includes(suffix);
  const charset = /charset=([^;\s]+)/i.exec(contentType)?.[1]?.toLowerCase() ?? 'utf-8';
  const text = response.body.toString(charset === 'iso-8859-1' || charset === 'latin1' ? 'latin1' : 'utf8');
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(response.headers)) result[name.replace(/-/g, '_')] = value;
  const length = response.headers['content-length'];
  Object.assign(result, {
    status: response.status,
    url: response.url || args.url,
    redirected: (response.url || args.url) !== args.url,
    msg: `OK (${length ?? 'unknown'} bytes)`,
    cookies: {},
    cookies_string: '',
    elapsed: 0,
    changed: false,
  });
  if (args.dest !== undefined) result.path = args.dest;
  if (maybeJson) {
    try {
      result.json = JSON.parse(text);
    } catch {
      // Ansible leaves json out when the body does not parse
    }
  }
  const failed = !args.status_code.includes(response.status);
  if (failed) {
    // urllib raises for 3xx it does not follow and for errors; anything else reads as success.
    const reason = response.status >= 300 ? `HTTP Error ${response.status}: ${response.reason}` : String(result.msg);
    result.msg = `Status code was ${response.status} and not [${args.status_code.join(', ')}]: ${reason}`;
  }
  if (args.return_content || (failed && args.return_content)) result.content = text;
  return { failed, result };
}

export const uri: ModuleDefinition<UriArgs> = {
  name: 'uri',
  description: 'An HTTP request made BY THE HOST (curl): method, body (json, form), headers, expected status codes; the response registered as Ansible shapes it.',
  example: `- name: The API answers
  uri:
    url: http://127.0.0.1:8080/healthz
    method: POST
    body_format: json
    body: {probe: true}
    status_code: [200, 201]
    return_content: true
  register: health
`,
  args: {
    ...urlArgs,
    method: { type: 'str', default: 'GET' },
    body: { type: 'raw' },
    body_format: { type: 'str', default: 'raw', choices: ['raw', 'json', 'form-urlencoded'] },
    status_code: { type: 'list', elements: 'int', default: [200] },
    return_content: { type: 'bool', default: false },
    follow_redirects: { type: 'str', default: 'safe', choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'] },
    timeout: { type: 'int', default: 30 },
    dest: { type: 'path', absolute: true },
    creates: { type: 'path' },
    removes: { type: 'path' },
    ...fileMetadataArgs(),
  },
  validate: (args) => (typeof args.method === 'string' && !/\{\{/.test(args.method) && !/^[A-Z]+$/.test(args.method) ? "Parameter 'method' needs to be a single word in uppercase, like GET or POST." : undefined),
  prefetch: (args) => [curlFact(), ...[args.creates, args.removes].filter((p): p is string => p !== undefined).map((p) => pathFact(p))],
  async check(args, ctx) {
    if (args.mode !== undefined && isRelativeMode(args.mode)) throw new Error(`uri: a mode relative to the current one ('${args.mode}') is not supported here yet: give it in octal`);
    if (args.creates !== undefined && (await ctx.facts.path(args.creates)).exists) {
      return { changed: false, result: { stdout: `skipped, since '${args.creates}' exists`, changed: false } };
    }
    if (args.removes !== undefined && !(await ctx.facts.path(args.removes)).exists) {
      return { changed: false, result: { stdout: `skipped, since '${args.removes}' does not exist`, changed: false } };
    }
    await requireCurl('uri', ctx);
    // Ansible's uri does not support check mode: a dry-run skips it as ansible-playbook --check does.
    if (ctx.dryRun) return { changed: false, skipped: true, message: 'remote module (uri) does not support check mode', result: { msg: 'remote module (uri) does not support check mode' } };
    // The request is made by apply; it reports changed only when it wrote dest.
    return { changed: true, invalidatesFacts: args.dest !== undefined, message: `${args.method} ${args.url}` };
  },
  async apply(args, _check, ctx) {
    const { body, headers } = prepareBody(args);
    const config = curlConfig(args, { url: args.url, method: args.method, headers, timeout: args.timeout, followRedirects: follows(args.follow_redirects, args.method), bodyFile: body !== undefined ? 'body' : undefined });
    const configBytes = Buffer.byteLength(config);
    const stdin = Buffer.concat([Buffer.from(config), Buffer.from(body ?? '')]);
    const run = await ctx.transport.exec(requestScript(configBytes, body !== undefined ? Buffer.byteLength(body) : undefined, args.dest, args.status_code), { ...ctx.privilege, stdin });
    if (run.code !== 0) throw new Error(`uri on ${ctx.host}: ${run.stderr.toString('utf8').trim() || `exit ${run.code}`}`);
    const response = parseResponse(run.stdout);
    if (response.curlExit !== 0 || response.status <= 0) {
      const msg = `Status code was -1 and not [${args.status_code.join(', ')}]: Request failed: ${run.stderr.toString('utf8').trim() || `curl exit ${response.curlExit}`}`;
      return { changed: false, failed: true, message: msg, result: { status: -1, url: args.url, msg } };
    }
    const { failed, result } = uriResult(args, response);
    let changed = false;
    if (response.wrote && args.dest !== undefined) {
      changed = true;
      setMetadata(args.dest, { mode: args.mode, owner: args.owner, group: args.group }, ctx, false);
    }
    return { changed, failed, message: failed ? String(result.msg) : undefined, result: { ...result, changed } };
  },
};
