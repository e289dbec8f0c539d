import type http from 'node:http';
import type https from 'node:https';
import net from 'node:net';
import type tls from 'node:tls';
import { contentOrPending, fileReadRequests, readHostFile } from './pki-util.js';
import type { ModuleContext, ModuleDefinition } from './types.js';
import { lazyModule } from '../util/lazy-module.js';

// http, https and tls load when a wait_for first needs them: every run starts this module, few use them.
const httpModule = lazyModule<typeof http>('node:http');
const httpsModule = lazyModule<typeof https>('node:https');
const web = (secure: boolean): typeof https | typeof http => (secure ? httpsModule() : httpModule());
const tlsModule = lazyModule<typeof tls>('node:tls');

interface WaitForArgs {
  host?: string;
  port?: number;
  url?: string;
  ca_path?: string;
  timeout: number;
  delay: number;
  sleep: number;
  status_code: number;
}

/** What to probe, from the controller: a URL (GET, wanted status), or a TCP port (TLS when a CA is given). */
export interface ProbeTarget {
  url?: string;
  host?: string;
  port?: number;
  /** PEM CA bundle the server's chain must lead to; its name or IP must be in the certificate's SANs. */
  ca?: Buffer;
  statusCode?: number;
}

export type ProbeOutcome = { ready: true } | { ready: false; error: string };

export function describeTarget(target: ProbeTarget): string {
  return target.url ?? `${target.host}:${target.port}`;
}

const TLS_HINT = ' (is ca_path the CA that signed the server certificate, and is the host name or IP in its SANs?)';

function describeError(error: NodeJS.ErrnoException): string {
  const code = error.code;
  if (code && error.message.includes(code)) return code;
  const text = code ? `${code}: ${error.message}` : error.message;
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|unable to get/i.test(text) ? text + TLS_HINT : text;
}

/** One attempt, bounded by timeoutMs. Never throws: the reason it is not ready is the answer. */
export function probeOnce(target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ProbeOutcome, cleanup: () => void) => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(outcome);
    };
    if (target.url) {
      const url = new URL(target.url);
      const client = web(url.protocol === 'https:');
      // No keep-alive agent: a pooled socket would outlive the run and hold the process open.
      const request = client.get(url, { agent: false, ca: target.ca, timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.length < 4 && chunks.push(chunk));
        response.on('end', () => {
          const want = target.statusCode ?? 200;
          if (response.statusCode === want) return finish({ ready: true }, () => undefined);
          const body = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
          finish({ ready: false, error: `HTTP ${response.statusCode} (want ${want})${body ? `: ${body}` : ''}` }, () => undefined);
        });
        response.on('error', (error) => finish({ ready: false, error: describeError(error) }, () => undefined));
      });
      request.on('timeout', () => finish({ ready: false, error: `no answer within ${Math.ceil(timeoutMs / 1000)}s` }, () => request.destroy()));
      request.on('error', (error) => finish({ ready: false, error: describeError(error) }, () => request.destroy()));
      return;
    }
    const host = target.host!;
    const options = { host, port: target.port!, timeout: timeoutMs };
    const socket = target.ca
      ? tlsModule().connect({ ...options, ca: target.ca, servername: net.isIP(host) ? undefined : host }, () => finish({ ready: true }, () => socket.destroy()))
      : net.connect(options, () => finish({ ready: true }, () => socket.destroy()));
    socket.on('timeout', () => finish({ ready: false, error: `no answer within ${Math.ceil(timeoutMs / 1000)}s` }, () => socket.destroy()));
    socket.on('error', (error) => finish({ ready: false, error: describeError(error) }, () => socket.destroy()));
  });
}

export interface WaitOptions {
  timeoutMs: number;
  sleepMs: number;
  delayMs?: number;
  /** Called after each failed attempt (progress line). */
  onAttempt?(attempt: number, lastError: string): void;
  /** Per-attempt bound, so one hung connection cannot eat the whole timeout. */
  attemptTimeoutMs?: number;
}

export interface WaitOutcome {
  ready: boolean;
  attempts: number;
  elapsedMs: number;
  lastError?: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Probe until ready or out of time. Every attempt ends before the deadline. */
export async function waitUntilReady(target: ProbeTarget, options: WaitOptions): Promise<WaitOutcome> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  if (options.delayMs) await pause(Math.min(options.delayMs, options.timeoutMs));
  let lastError: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { ready: false, attempts: attempt - 1, elapsedMs: Date.now() - started, lastError };
    const outcome = await probeOnce(target, Math.min(options.attemptTimeoutMs ?? 10_000, remaining));
    if (outcome.ready) return { ready: true, attempts: attempt, elapsedMs: Date.now() - started };
    lastError = outcome.error;
    options.onAttempt?.(attempt, lastError);
    if (Date.now() + options.sleepMs >= deadline) return { ready: false, attempts: attempt, elapsedMs: Date.now() - started, lastError };
    await pause(options.sleepMs);
  }
}

export function timeoutMessage(target: ProbeTarget, timeoutSeconds: number, lastError: string | undefined): string {
  return `timed out after ${timeoutSeconds}s waiting for ${describeTarget(target)} (last error: ${lastError ?? 'none'})`;
}

interface WaitForPlan {
  target: ProbeTarget;
}

/**
 * Wait until a port answers or a URL returns the wanted status. The probe runs FROM THE
 * CONTROLLER (the machine running runbook), not from the target host: the URL must be
 * reachable from here. With ca_path, the CA file is read from the host over SSH and the
 * server's chain and name/IP SANs are verified against it here. Never reports changed.
 */
export const waitFor: ModuleDefinition<WaitForArgs, WaitForPlan> = {
  name: 'wait_for',
  description: 'Wait, from the controller, until a TCP port answers or an http(s) URL returns the wanted status.',
  example: `- name: API server answers
  wait_for:
    url: https://{{ ansible_host }}:6443/readyz
    ca_path: /etc/kubernetes/pki/ca.crt
    timeout: 120
`,
  args: {
    host: { type: 'str' },
    port: { type: 'int' },
    url: { type: 'str' },
    ca_path: { type: 'path', absolute: true },
    timeout: { type: 'int', default: 300 },
    delay: { type: 'int', default: 0 },
    sleep: { type: 'int', default: 1 },
    status_code: { type: 'int', default: 200 },
  },
  validate(args) {
    if (args.url === undefined && args.port === undefined) return "wait_for needs 'url' or 'port'";
    // Load time, raw arguments: a URL with '{{ }}' is judged once rendered (check fails on a bad one).
    if (typeof args.url === 'string' && !args.url.includes('{{')) {
      try {
        if (!/^https?:$/.test(new URL(args.url).protocol)) return `url '${args.url}' must be http:// or https://`;
      } catch {
        return `url '${args.url}' is not a valid URL`;
      }
    }
    return typeof args.timeout === 'number' && args.timeout <= 0 ? "'timeout' must be positive" : undefined;
  },
  prefetch: (args) => (args.ca_path ? fileReadRequests(args.ca_path) : []),
  async check(args, ctx) {
    if (args.url !== undefined && !/^https?:$/.test(new URL(args.url).protocol)) throw new Error(`url '${args.url}' must be http:// or https://`);
    const ca = args.ca_path ? contentOrPending(await readHostFile(ctx.facts, args.ca_path), 'CA file', ctx.user, ctx.dryRun) : undefined;
    const target = targetOf(args, ctx, ca);
    const wait = `a real run would wait up to ${args.timeout}s`;
    if (args.ca_path && ca === undefined) return { changed: false, message: `not ready now (${args.ca_path} is written earlier in this run); ${wait}` };
    // delay exists for "the old process still answers": a first look now would be a false ready.
    if (!ctx.dryRun && args.delay > 0) return { changed: true, message: 'waiting', data: { target } };
    const outcome = await probeOnce(target, Math.min(5_000, args.timeout * 1000));
    if (outcome.ready) return { changed: false, message: `${describeTarget(target)} is ready`, result: { elapsed: 0, attempts: 1 } };
    if (ctx.dryRun) return { changed: false, message: `not ready now (${outcome.error}); ${wait}` };
    return { changed: true, message: 'waiting', data: { target } };
  },
  async apply(args, check, ctx) {
    const { target } = check.data!;
    const what = describeTarget(target);
    const outcome = await waitUntilReady(target, {
      timeoutMs: args.timeout * 1000,
      sleepMs: args.sleep * 1000,
      delayMs: args.delay * 1000,
      onAttempt: (attempt, lastError) => ctx.progress(`waiting for ${what}: attempt ${attempt}, last error: ${lastError}`),
    });
    const result = { elapsed: Math.round(outcome.elapsedMs / 1000), attempts: outcome.attempts };
    if (!outcome.ready) return { changed: false, failed: true, message: timeoutMessage(target, args.timeout, outcome.lastError), result };
    return { changed: false, message: `${what} ready after ${result.elapsed}s (${outcome.attempts} attempts)`, result };
  },
};

function targetOf(args: WaitForArgs, ctx: ModuleContext, ca: Buffer | undefined): ProbeTarget {
  if (args.url) return { url: args.url, ca, statusCode: args.status_code };
  const host = args.host ?? (typeof ctx.vars.ansible_host === 'string' ? ctx.vars.ansible_host : ctx.host);
  return { host, port: args.port, ca };
}
