import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type Forge from 'node-forge';
import { pathFact } from '../facts/path.js';
import { fileContentFact } from '../facts/content.js';
import { currentRegularFile, regularFileAfter, sha256, snapshot, writeTarget, type FilePlan } from './file-state.js';
import type { CheckResult, FactRequest, FileDiff, HostFacts, ModuleContext, PathState } from './types.js';
import { lazyModule } from '../util/lazy-module.js';

/** node-forge loads on first use: most runs issue no certificate, and loading it costs start-up time. */
const forge = lazyModule<typeof Forge>('node-forge');

// ---------------------------------------------------------------------------------------------
// Reading files on hosts (keys, CAs, certificates) without spending round trips
// ---------------------------------------------------------------------------------------------

/** A file on a host as a check sees it: its state, and its content when it can be known now. */
export interface HostFile {
  path: string;
  state: PathState;
  /** Undefined when absent, or when an earlier task of this run creates it and has not run yet (dry-run). */
  content?: Buffer;
}

/**
 * The facts a check asks for to read a file: its state and its content, both in the batched
 * probe, so reading a certificate, its key and its CA costs no round trip of its own.
 */
export function fileReadRequests(path: string): FactRequest[] {
  return [pathFact(path), fileContentFact(path)];
}

/**
 * Read a small text file (PEM) through the fact cache: what an earlier task of this run wrote
 * (or would write) if one did, else what the probe read.
 */
export async function readHostFile(facts: HostFacts, path: string): Promise<HostFile> {
  // Ask for the state and the content together when neither is cached yet: one round trip, not two.
  facts.want(fileReadRequests(path));
  const state = await facts.path(path);
  if (!state.exists) return { path, state };
  if (state.type !== 'file') throw new Error(`${path} exists and is a ${state.type}, not a regular file`);
  return { path, state, content: await facts.content(path) };
}

/** Whether `user` may read a file with this owner and mode (group membership unknown: not counted). */
function readableBy(state: PathState, user: string): boolean {
  if (user === 'root' || state.mode === undefined) return true;
  const mode = parseInt(state.mode, 8);
  return state.owner === user ? (mode & 0o400) !== 0 : (mode & 0o004) !== 0;
}

/**
 * The content of a file a check depends on. Returns undefined only in a dry-run, when the file
 * is predicted by an earlier task and so has no content yet; fails when it is absent, or
 * when the task's user cannot read it (a real run would fail the same way).
 */
export function contentOrPending(file: HostFile, what: string, user: string, dryRun: boolean, host?: string): Buffer | undefined {
  const where = host ? ` on ${host}` : '';
  if (!file.state.exists) throw new Error(`${what} ${file.path} does not exist${where}`);
  if (!readableBy(file.state, user)) {
    throw new Error(`cannot read ${what} ${file.path}${where} as ${user} (mode ${file.state.mode}, ${file.state.owner}:${file.state.group}): use become`);
  }
  if (file.content === undefined && !dryRun) throw new Error(`cannot read ${what} ${file.path}${where} as ${user}`);
  return file.content;
}

/**
 * Plan a file whose content apply() makes (a new key, a certificate signed at apply): its
 * metadata is known now, its checksum is not. apply() fills `desired.content` and `contents`,
 * so later tasks of the run read the new content from memory.
 */
export async function planGeneratedFile(
  desired: { path: string; mode?: string; owner?: string; group?: string },
  ctx: ModuleContext,
  message: string,
  secret: boolean,
): Promise<CheckResult<FilePlan>> {
  const current = await currentRegularFile(desired.path, ctx);
  const after = regularFileAfter(current, desired, ctx);
  const diff: FileDiff[] = ctx.diff ? [{ path: desired.path, secret, before: snapshot(current), after: snapshot(after) }] : [];
  return {
    changed: true,
    message,
    diff,
    predicted: [after],
    result: { path: desired.path, mode: after.mode, owner: after.owner, group: after.group },
    data: { desired: writeTarget(current, desired, after), writeContent: true, contents: new Map() },
  };
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/** Native keygen: node-forge's pure-JS RSA generation takes seconds per key. PKCS#1 PEM, as openssl genrsa and kubeadm write. */
export function generateRsaPrivateKeyPem(bits: number): Buffer {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return Buffer.from(privateKey.export({ type: 'pkcs1', format: 'pem' }));
}

/** The PEM (SPKI, "BEGIN PUBLIC KEY") public half of a private key, as `openssl pkey -pubout` prints it. */
export function publicKeyPemOf(privateKeyPem: Buffer, path: string): Buffer {
  try {
    return Buffer.from(createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }));
  } catch (error) {
    // The error never quotes the key; say which file, not what is in it.
    throw new Error(`${path} is not a readable private key (${(error as Error).message})`);
  }
}

function forgeRsaKey(privateKeyPem: Buffer, path: string): Forge.pki.rsa.PrivateKey {
  let pkcs1: string;
  try {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`${key.asymmetricKeyType} keys are not supported, only RSA`);
    pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString();
  } catch (error) {
    throw new Error(`${path} is not a usable private key (${(error as Error).message})`);
  }
  return forge().pki.privateKeyFromPem(pkcs1);
}

// ---------------------------------------------------------------------------------------------
// Names and usages
// ---------------------------------------------------------------------------------------------

/** 'DNS:Kubernetes' → 'DNS:kubernetes'; 'IP:10.000.0.1' and 'IP Address:10.0.0.1' → 'IP:10.0.0.1'; IPv6 compressed. */
export function normaliseSan(san: string): string {
  const match = /^\s*(DNS|IP|IP Address|email|URI)\s*:\s*(.+?)\s*$/i.exec(san);
  if (!match) throw new Error(`subject alternative name '${san}' must look like 'DNS:name' or 'IP:address'`);
  const kind = match[1].toUpperCase();
  const value = match[2];
  if (kind === 'DNS') return `DNS:${value.toLowerCase().replace(/\.$/, '')}`;
  if (kind === 'EMAIL') return `email:${value}`;
  if (kind === 'URI') return `URI:${value}`;
  return `IP:${normaliseIp(value, san)}`;
}

function normaliseIp(value: string, san: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.every((p) => p <= 255)) return parts.join('.');
  }
  if (isIP(value.replace(/^\[|\]$/g, '')) === 6) return new URL(`http://[${value.replace(/^\[|\]$/g, '')}]`).hostname.slice(1, -1);
  throw new Error(`'${san}' is not a valid IP address`);
}

const KEY_USAGES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
const EXTENDED_KEY_USAGES = ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping', 'OCSPSigning'] as const;

/** Accept Ansible's spellings ('Digital Signature', 'keyEncipherment', 'contentCommitment'). */
function canonicalUsage(name: string, known: readonly string[], what: string): string {
  const squashed = name.replace(/[\s_-]/g, '').toLowerCase();
  const alias = squashed === 'contentcommitment' ? 'nonrepudiation' : squashed;
  const found = known.find((k) => k.toLowerCase() === alias);
  if (!found) throw new Error(`unknown ${what} '${name}' (known: ${known.join(', ')})`);
  return found;
}

export function canonicalKeyUsages(names: string[]): string[] {
  return [...new Set(names.map((n) => canonicalUsage(n, KEY_USAGES, 'key usage')))].sort();
}

export function canonicalExtendedKeyUsages(names: string[]): string[] {
  return [...new Set(names.map((n) => canonicalUsage(n, EXTENDED_KEY_USAGES, 'extended key usage')))].sort();
}

// ---------------------------------------------------------------------------------------------
// Certificates: what to keep, what to issue
// ---------------------------------------------------------------------------------------------

export interface CertificateRequest {
  commonName: string;
  organization?: string;
  /** Normalised ('DNS:x', 'IP:y'). */
  subjectAltNames: string[];
  keyUsage: string[]; // canonical, sorted
  extendedKeyUsage: string[]; // canonical, sorted
  isCa: boolean;
  validityDays: number;
  renewBeforeDays: number;
}

export interface CertificateVerdict {
  keep: boolean;
  /** Why it must be reissued, '; '-separated; empty when kept. */
  reason: string;
}

/** The first PEM certificate of a file (the leaf of a leaf+CA bundle), and the rest. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)?.map((b) => (b.endsWith('\n') ? b : `${b}\n`)) ?? [];
}

const DAY_MS = 86_400_000;

/**
 * Whether an existing certificate still serves the request: parses, matches its key, is signed
 * by the CA (caPem undefined: by itself), has the requested subject, CA flag and usages, covers
 * every requested SAN (extra SANs are harmless and kept), and is not about to expire.
 */
export function certificateVerdict(
  existingPem: string,
  keyPem: Buffer,
  caPem: string | undefined,
  request: CertificateRequest,
  options: { now?: Date; caPath?: string } = {},
): CertificateVerdict {
  const now = options.now ?? new Date();
  let native: X509Certificate;
  let parsed: Forge.pki.Certificate;
  try {
    native = new X509Certificate(existingPem);
    parsed = forge().pki.certificateFromPem(existingPem);
  } catch (error) {
    return { keep: false, reason: `existing certificate cannot be parsed (${(error as Error).message})` };
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new Error(`the private key is not readable (${(error as Error).message})`);
  }
  const reasons: string[] = [];
  if (!native.checkPrivateKey(key)) reasons.push('does not match its private key');
  const issuer = caPem === undefined ? native : new X509Certificate(caPem);
  if (!native.checkIssued(issuer) || !native.verify(issuer.publicKey)) reasons.push(`not signed by ${options.caPath ?? (caPem ? 'the CA' : 'its own key')}`);
  const cn = parsed.subject.getField('CN')?.value as string | undefined;
  if (cn !== request.commonName) reasons.push(`CN ${cn ?? '(none)'} → ${request.commonName}`);
  const organization = parsed.subject.getField('O')?.value as string | undefined;
  if ((organization ?? '') !== (request.organization ?? '')) reasons.push(`O ${organization ?? '(none)'} → ${request.organization ?? '(none)'}`);
  const basic = parsed.getExtension('basicConstraints') as { cA?: boolean } | undefined;
  if ((basic?.cA === true) !== request.isCa) reasons.push(request.isCa ? 'not a CA' : 'is a CA');
  const present = new Set(certificateSans(parsed));
  const missing = request.subjectAltNames.filter((san) => !present.has(san));
  if (missing.length > 0) reasons.push(`missing SAN${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const usages = certificateUsages(parsed, 'keyUsage', KEY_USAGES);
  if (usages.join() !== request.keyUsage.join()) reasons.push(`key usage ${usages.join(',') || '(none)'} → ${request.keyUsage.join(',') || '(none)'}`);
  const extended = certificateUsages(parsed, 'extKeyUsage', EXTENDED_KEY_USAGES);
  if (extended.join() !== request.extendedKeyUsage.join()) {
    reasons.push(`extended key usage ${extended.join(',') || '(none)'} → ${request.extendedKeyUsage.join(',') || '(none)'}`);
  }
  const left = new Date(native.validTo).getTime() - now.getTime();
  if (left <= 0) reasons.push(`expired ${Math.floor(-left / DAY_MS)} days ago`);
  else if (left < request.renewBeforeDays * DAY_MS) reasons.push(`expires in ${Math.floor(left / DAY_MS)} days`);
  return { keep: reasons.length === 0, reason: reasons.join('; ') };
}

export function certificateSans(cert: Forge.pki.Certificate): string[] {
  const extension = cert.getExtension('subjectAltName') as { altNames?: { type: number; value: string; ip?: string }[] } | undefined;
  const names: string[] = [];
  for (const name of extension?.altNames ?? []) {
    if (name.type === 2) names.push(normaliseSan(`DNS:${name.value}`));
    else if (name.type === 7 && name.ip) names.push(normaliseSan(`IP:${name.ip}`));
    else if (name.type === 1) names.push(`email:${name.value}`);
    else if (name.type === 6) names.push(`URI:${name.value}`);
  }
  return names;
}

function certificateUsages(cert: Forge.pki.Certificate, extension: string, known: readonly string[]): string[] {
  const flags = cert.getExtension(extension) as Record<string, unknown> | undefined;
  return flags ? known.filter((k) => flags[k] === true).sort() : [];
}

/** Random, positive, minimally DER-encoded (first byte 0x01..0x7f): Go rejects negative or padded serials. */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function forgeAltName(san: string): Record<string, unknown> {
  const [kind, ...rest] = san.split(':');
  const value = rest.join(':');
  if (kind === 'DNS') return { type: 2, value };
  if (kind === 'IP') return { type: 7, ip: value };
  if (kind === 'email') return { type: 1, value };
  return { type: 6, value };
}

/**
 * Sign a certificate for `keyPem` with the CA (absent: self-signed by the same key). The
 * private keys stay in this process's memory; only the certificate PEM comes out.
 */
export function issueCertificate(input: {
  request: CertificateRequest;
  keyPem: Buffer;
  keyPath: string;
  caCertPem?: string;
  caKeyPem?: Buffer;
  caKeyPath?: string;
  now?: Date;
}): string {
  const { request } = input;
  const now = input.now ?? new Date();
  const key = forgeRsaKey(input.keyPem, input.keyPath);
  const cert = forge().pki.createCertificate();
  cert.publicKey = forge().pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerialHex();
  // Backdated a little: a host whose clock lags the controller's must still accept it.
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + request.validityDays * DAY_MS);
  const subject: Forge.pki.CertificateField[] = [];
  if (request.organization) subject.push({ shortName: 'O', value: request.organization });
  subject.push({ shortName: 'CN', value: request.commonName });
  cert.setSubject(subject);
  const ca = input.caCertPem ? forge().pki.certificateFromPem(input.caCertPem) : undefined;
  // The CA's own attributes (with their string types) make the issuer byte-identical to its subject.
  cert.setIssuer(ca ? ca.subject.attributes : subject);
  const extensions: Record<string, unknown>[] = [
    { name: 'basicConstraints', cA: request.isCa, critical: true },
    { name: 'keyUsage', critical: true, ...Object.fromEntries(request.keyUsage.map((u) => [u, true])) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca ? authorityKeyId(ca) : true },
  ];
  if (request.extendedKeyUsage.length > 0) extensions.push({ name: 'extKeyUsage', ...Object.fromEntries(request.extendedKeyUsage.map((u) => [u, true])) });
  if (request.subjectAltNames.length > 0) extensions.push({ name: 'subjectAltName', altNames: request.subjectAltNames.map(forgeAltName) });
  cert.setExtensions(extensions);
  const signer = ca ? forgeRsaKey(input.caKeyPem!, input.caKeyPath ?? 'CA key') : key;
  if (ca && ca.publicKey && (ca.publicKey as Forge.pki.rsa.PublicKey).n.compareTo(signer.n) !== 0) {
    throw new Error(`CA key ${input.caKeyPath ?? ''} does not match the CA certificate`.replace('  ', ' '));
  }
  cert.sign(signer, forge().md.sha256.create());
  return forge().pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

function authorityKeyId(ca: Forge.pki.Certificate): string {
  const ski = ca.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  return ski?.subjectKeyIdentifier ? forge().util.hexToBytes(ski.subjectKeyIdentifier) : ca.generateSubjectKeyIdentifier().getBytes();
}
