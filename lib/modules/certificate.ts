import { posix } from 'node:path';
import { applyRegularFile, planRegularFile, type FilePlan, fileMetadataArgs } from './file-state.js';
import { pathFact } from '../facts/path.js';
import {
  canonicalExtendedKeyUsages,
  canonicalKeyUsages,
  certificateVerdict,
  contentOrPending,
  fileReadRequests,
  issueCertificate,
  normaliseSan,
  pemCertificates,
  planGeneratedFile,
  readHostFile,
  type CertificateRequest,
} from './pki-util.js';
import type { ApplyContext, CheckResult, ModuleContext, ModuleDefinition } from './types.js';

interface CertificateArgs {
  path: string;
  private_key_path: string;
  common_name: string;
  organization?: string;
  subject_alt_names: string[];
  key_usage?: string[];
  extended_key_usage: string[];
  is_ca: boolean;
  ca_cert_path?: string;
  ca_key_path?: string;
  validity_days?: number;
  renew_before_days: number;
  append_ca: boolean;
  force: boolean;
  mode: string;
  owner?: string;
  group?: string;
}

interface CertificatePlan extends FilePlan {
  /** apply() signs a new certificate (else it only fixes metadata or the bundle). */
  issue: boolean;
}

/**
 * An X.509 certificate on the host, for a private key on the host, signed by a CA on the host
 * (or self-signed: the CA itself). Keys are read over SSH into memory and never leave it.
 */
export const certificate: ModuleDefinition<CertificateArgs, CertificatePlan> = {
  name: 'certificate',
  aliases: ['x509_certificate', 'openssl_certificate'],
  description: 'An X.509 certificate signed by a CA on the host (or self-signed), reissued with the same key when it no longer fits.',
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
    path: { type: 'path', absolute: true, required: true },
    private_key_path: { type: 'path', absolute: true, required: true },
    common_name: { type: 'str', required: true },
    organization: { type: 'str' },
    subject_alt_names: { type: 'list', elements: 'str', default: [], aliases: ['subject_alt_name'] },
    key_usage: { type: 'list', elements: 'str' },
    extended_key_usage: { type: 'list', elements: 'str', default: [] },
    is_ca: { type: 'bool', default: false },
    ca_cert_path: { type: 'path', absolute: true },
    ca_key_path: { type: 'path', absolute: true },
    validity_days: { type: 'int' },
    renew_before_days: { type: 'int', default: 30 },
    append_ca: { type: 'bool', default: false },
    force: { type: 'bool', default: false, description: 'Reissue even when the certificate fits (the only way to rotate a CA).' },
    ...fileMetadataArgs('0644'),
  },
  // Runs at load time on the raw, unrendered arguments: only literal values are judged here.
  validate(args) {
    if ((args.ca_cert_path === undefined) !== (args.ca_key_path === undefined)) return "certificate needs both 'ca_cert_path' and 'ca_key_path', or neither (self-signed)";
    if (args.append_ca === true && args.ca_cert_path === undefined) return "'append_ca' needs 'ca_cert_path'";
    try {
      literalStrings(args.subject_alt_names).forEach(normaliseSan);
      canonicalKeyUsages(literalStrings(args.key_usage));
      canonicalExtendedKeyUsages(literalStrings(args.extended_key_usage));
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  },
  prefetch: (args) => [
    ...fileReadRequests(args.path),
    pathFact(posix.dirname(args.path)),
    ...fileReadRequests(args.private_key_path),
    ...(args.ca_cert_path ? fileReadRequests(args.ca_cert_path) : []),
    ...(args.ca_key_path ? [pathFact(args.ca_key_path)] : []), // stat only: the CA key is read when signing
  ],
  check: checkCertificate,
  async apply(args, check, ctx) {
    const plan = check.data!;
    if (plan.issue) {
      const content = await signNow(args, ctx);
      plan.desired.content = content;
      plan.contents.set(args.path, content);
    }
    applyRegularFile(plan, ctx);
    return { changed: true };
  },
};

/** The list's elements that are plain text already (not '{{ }}' still to be rendered). */
function literalStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && !/\{\{|\{%/.test(v)) : [];
}

function requestOf(args: CertificateArgs): CertificateRequest {
  return {
    commonName: args.common_name,
    organization: args.organization || undefined,
    subjectAltNames: [...new Set(args.subject_alt_names.map(normaliseSan))],
    keyUsage: canonicalKeyUsages(args.key_usage ?? (args.is_ca ? ['digitalSignature', 'keyEncipherment', 'keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment'])),
    extendedKeyUsage: canonicalExtendedKeyUsages(args.extended_key_usage),
    isCa: args.is_ca,
    validityDays: args.validity_days ?? (args.is_ca ? 3650 : 365),
    renewBeforeDays: args.renew_before_days,
  };
}

function fileMeta(args: CertificateArgs) {
  return { path: args.path, mode: args.mode, owner: args.owner, group: args.group };
}

async function checkCertificate(args: CertificateArgs, ctx: ModuleContext): Promise<CheckResult<CertificatePlan>> {
  const request = requestOf(args);
  const selfSigned = args.ca_cert_path === undefined;
  const current = await readHostFile(ctx.facts, args.path);

  if (current.state.exists && selfSigned && !args.force) {
    // A CA is created once: reissuing it would orphan every certificate it signed.
    const plan = await planRegularFile(fileMeta(args), ctx);
    const note = current.content ? await selfSignedWarnings(current.content, args, request, ctx) : undefined;
    return { ...plan, message: plan.message ?? note, data: { ...plan.data!, issue: false } };
  }

  const key = contentOrPending(await readHostFile(ctx.facts, args.private_key_path), 'private key', ctx.user, ctx.dryRun);
  const ca = selfSigned ? undefined : contentOrPending(await readHostFile(ctx.facts, args.ca_cert_path!), 'CA certificate', ctx.user, ctx.dryRun);
  if (!selfSigned) {
    const caKey = await ctx.facts.path(args.ca_key_path!);
    if (!caKey.exists) throw new Error(`CA key ${args.ca_key_path} does not exist`);
  }
  const unknown = [key === undefined && args.private_key_path, !selfSigned && ca === undefined && args.ca_cert_path].filter(Boolean);
  if (unknown.length > 0) {
    // Dry-run: an earlier task creates the key or CA; nothing to compare against yet.
    return issuePlan(args, ctx, `would issue (${unknown.join(' and ')} written earlier in this run)`);
  }

  const existing = current.state.exists ? contentOrPending(current, 'certificate', ctx.user, ctx.dryRun) : undefined;
  const caFirst = ca === undefined ? undefined : pemCertificates(ca.toString())[0];
  if (ca !== undefined && !caFirst) throw new Error(`${args.ca_cert_path} holds no PEM certificate`);
  let reason: string;
  if (!current.state.exists) reason = 'create';
  else if (existing === undefined) reason = 'would reissue (certificate replaced earlier in this run)';
  else if (args.force) reason = 'reissue: force';
  else {
    const [leaf] = pemCertificates(existing.toString());
    const verdict = leaf
      ? certificateVerdict(leaf, key!, caFirst, request, { caPath: args.ca_cert_path })
      : { keep: false, reason: 'no PEM certificate in the file' };
    if (verdict.keep) {
      // Same certificate; the file may still need its CA appended (or removed), or other metadata.
      const content = Buffer.from(leaf + (args.append_ca ? caFirst : ''));
      const plan = await planRegularFile({ ...fileMeta(args), content }, ctx);
      const message = plan.data!.writeContent ? (args.append_ca ? 'rewrite leaf + CA bundle' : 'rewrite without the CA bundle') : plan.message;
      return { ...plan, message: plan.changed ? message : undefined, data: { ...plan.data!, issue: false } };
    }
    reason = `reissue: ${verdict.reason}`;
  }
  return issuePlan(args, ctx, reason);
}

async function issuePlan(args: CertificateArgs, ctx: ModuleContext, message: string): Promise<CheckResult<CertificatePlan>> {
  const plan = await planGeneratedFile(fileMeta(args), ctx, message, false);
  return { ...plan, data: { ...plan.data!, issue: true } };
}

/** A kept CA that no longer fits its request is worth a word, never an automatic rotation. */
async function selfSignedWarnings(content: Buffer, args: CertificateArgs, request: CertificateRequest, ctx: ModuleContext): Promise<string | undefined> {
  const key = await readHostFile(ctx.facts, args.private_key_path);
  if (!key.content) return undefined;
  const [leaf] = pemCertificates(content.toString());
  if (!leaf) return `kept, but ${args.path} holds no PEM certificate (force: true replaces it)`;
  const verdict = certificateVerdict(leaf, key.content, undefined, request);
  return verdict.keep ? undefined : `kept (self-signed certificates are never reissued without force): ${verdict.reason}`;
}

/** Sign at apply: the CA key is read only when a certificate is really issued. */
async function signNow(args: CertificateArgs, ctx: ApplyContext): Promise<Buffer> {
  const keyPem = contentOrPending(await readHostFile(ctx.facts, args.private_key_path), 'private key', ctx.user, false)!;
  if (args.ca_cert_path === undefined) {
    return Buffer.from(issueCertificate({ request: requestOf(args), keyPem, keyPath: args.private_key_path }));
  }
  const caCertPem = contentOrPending(await readHostFile(ctx.facts, args.ca_cert_path), 'CA certificate', ctx.user, false)!.toString();
  const caKeyPem = contentOrPending(await readHostFile(ctx.facts, args.ca_key_path!), 'CA key', ctx.user, false)!;
  const caFirst = pemCertificates(caCertPem)[0];
  if (!caFirst) throw new Error(`${args.ca_cert_path} holds no PEM certificate`);
  const leaf = issueCertificate({ request: requestOf(args), keyPem, keyPath: args.private_key_path, caCertPem: caFirst, caKeyPem, caKeyPath: args.ca_key_path });
  return Buffer.from(leaf + (args.append_ca ? caFirst : ''));
}
