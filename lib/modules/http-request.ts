import { commandFact } from '../facts/command.js';
import type { ArgSpec, FactRequest, ModuleContext } from './types.js';

/**
 * get_url and uri make their requests FROM THE HOST, with curl (Ansible's modules use Python's
 * urllib there; curl is what a Debian host most often has, and it speaks TLS, redirects and
 * proxies the same way). Everything about a request goes to curl as a config file on stdin
 * (`curl -K -`): URLs, headers and passwords never appear on a command line others can read.
 */

/** Ansible's url_argument_spec, the part runbook passes to curl. */
export const urlArgs: Record<string, ArgSpec> = {
  url: { type: 'str', required: true },
  headers: { type: 'dict', description: 'request headers' },
  url_username: { type: 'str', aliases: ['username'] },
  url_password: { type: 'str', aliases: ['password'], noLog: true },
  force_basic_auth: { type: 'bool', default: false, description: 'accepted: curl sends basic credentials with the first request' },
  validate_certs: { type: 'bool', default: true },
  use_proxy: { type: 'bool', default: true },
  http_agent: { type: 'str', default: 'ansible-httpget' },
};

export interface RequestArgs {
  url: string;
  headers?: Record<string, unknown>;
  url_username?: string;
  url_password?: string;
  validate_certs: boolean;
  use_proxy: boolean;
  http_agent: string;
}

export interface CurlRequest {
  url: string;
  method?: string;
  headers: Array<[string, string]>;
  /** Seconds: connecting, and any stall of the transfer (Ansible's socket timeout). */
  timeout: number;
  followRedirects: boolean;
  /** Body read from this file on the host. */
  bodyFile?: string;
}

/** A string in curl's config syntax: double quotes, backslash escapes. */
function configString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** curl's config file for a request (given on stdin with `-K -`). */
export function curlConfig(args: RequestArgs, request: CurlRequest): string {
  const lines = [
    `url = ${configString(request.url)}`,
    'silent',
    'show-error',
    `connect-timeout = ${request.timeout}`,
    // A transfer stalled (under 1 byte/s) for the timeout fails, as a socket timeout would.
    'speed-limit = 1',
    `speed-time = ${request.timeout}`,
    `user-agent = ${configString(args.http_agent)}`,
  ];
  if (request.method) lines.push(`request = ${configString(request.method)}`);
  if (request.method === 'HEAD') lines.push('head');
  if (request.followRedirects) lines.push('location', 'max-redirs = 10');
  if (!args.validate_certs) lines.push('insecure');
  if (!args.use_proxy) lines.push('noproxy = "*"');
  if (args.url_username !== undefined) lines.push(`user = ${configString(`${args.url_username}:${args.url_password ?? ''}`)}`);
  for (const [name, value] of request.headers) lines.push(`header = ${configString(`${name}: ${value}`)}`);
  if (request.bodyFile) lines.push(`data-binary = ${configString(`@${request.bodyFile}`)}`);
  return `${lines.join('\n')}\n`;
}

export function headerList(headers: Record<string, unknown> | undefined): Array<[string, string]> {
  return Object.entries(headers ?? {}).map(([name, value]) => {
    if (/[\r\n:]/.test(name)) throw new Error(`header name ${JSON.stringify(name)} is not valid`);
    return [name, String(value)];
  });
}

/** Whether curl is on the host, asked with the play's first probe: its absence fails the task before anything changes. */
export function curlFact(): FactRequest {
  return commandFact(['curl', '--version']);
}

export async function requireCurl(module: string, ctx: ModuleContext): Promise<void> {
  const answer = await ctx.facts.get(commandFact(['curl', '--version']));
  if (answer.code === 127) throw new Error(`${module} makes its requests from the host with curl, which ${ctx.host} does not have (apt-get install curl)`);
  if (answer.code !== 0) throw new Error(`curl --version failed on ${ctx.host}: ${answer.stderr.toString('utf8').trim()}`);
}

/** An HTTP response as curl's -D (headers of every hop) and -w left it: the last hop counts. */
export interface HttpResponse {
  status: number;
  reason: string;
  url: string;
  /** Lower-cased names, the last response's. */
  headers: Record<string, string>;
  body: Buffer;
}

/** The last response block of curl's -D output (one block per redirect hop). */
export function parseHeaderBlocks(raw: string): { status: number; reason: string; headers: Record<string, string> } {
  const blocks = raw.split(/\r?\n\r?\n/).map((b) => b.trim()).filter((b) => /^HTTP\//.test(b));
  const last = blocks.at(-1);
  if (!last) return { status: -1, reason: '', headers: {} };
  const [statusLine, ...lines] = last.split(/\r?\n/);
  const match = /^HTTP\/\S+ (\d{3})(?: (.*))?$/.exec(statusLine);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] !== undefined ? `${headers[name]}, ${value}` : value;
  }
  return { status: match ? Number(match[1]) : -1, reason: match?.[2]?.trim() ?? '', headers };
}

/** Python's json.dumps (Ansible's body_format json): `, ` and `: ` separators, non-ASCII escaped. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
}

/** Python's urlencode of a mapping (quote_plus: only letters, digits and `_.-~` stay as they are). */
export function formUrlencoded(value: unknown): string {
  const pairs: Array<[string, unknown]> = Array.isArray(value) ? (value as Array<[string, unknown]>) : Object.entries(value as Record<string, unknown>);
  const quote = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
  return pairs.map(([k, v]) => `${quote(String(k))}=${quote(String(v))}`).join('&');
}
