import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { fingerprint } from './known-hosts.js';

/**
 * OpenSSH host certificates (PROTOCOL.certkeys), parsed and checked here because ssh2 (1.17)
 * negotiates no `*-cert-v01@openssh.com` host key algorithm. A certificate is public data: the
 * CA's signed statement that a plain host key K belongs to the names it lists. The SSH handshake
 * proves the host holds K's private key; a certificate for K that verifies against a
 * `@cert-authority` key then makes the host trusted as OpenSSH's ssh would trust it.
 */

/** Reads the SSH wire format (RFC 4251: uint32, uint64, string). */
export class WireReader {
  offset = 0;
  constructor(readonly data: Buffer) {}

  uint32(): number {
    this.need(4);
    const value = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint64(): bigint {
    this.need(8);
    const value = this.data.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  byte(): number {
    this.need(1);
    return this.data[this.offset++];
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  get done(): boolean {
    return this.offset === this.data.length;
  }

  private need(length: number): void {
    if (this.offset + length > this.data.length) throw new CertificateFormatError('truncated');
  }
}

/** An SSH string: uint32 length, then the bytes. */
export function sshString(value: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

class CertificateFormatError extends Error {}

export const HOST_CERTIFICATE = 2;
const FOREVER = 0xffffffffffffffffn;

/** Certificate key type → the plain key type it certifies and how many key fields follow the nonce. */
const CERTIFIED_KEY_TYPES: Record<string, { plain: string; fields: number }> = {
  'ssh-ed25519-cert-v01@openssh.com': { plain: 'ssh-ed25519', fields: 1 },
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': { plain: 'ecdsa-sha2-nistp256', fields: 2 },
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': { plain: 'ecdsa-sha2-nistp384', fields: 2 },
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': { plain: 'ecdsa-sha2-nistp521', fields: 2 },
  'ssh-rsa-cert-v01@openssh.com': { plain: 'ssh-rsa', fields: 2 },
};

/**
 * Host key algorithms that carry a certificate, in OpenSSH's order of preference, by the plain
 * key type they certify (what the handshake's key K is).
 */
export const CERTIFICATE_ALGORITHMS: Array<{ algorithm: string; keyType: string }> = [
  { algorithm: 'ssh-ed25519-cert-v01@openssh.com', keyType: 'ssh-ed25519' },
  { algorithm: 'ecdsa-sha2-nistp256-cert-v01@openssh.com', keyType: 'ecdsa-sha2-nistp256' },
  { algorithm: 'ecdsa-sha2-nistp384-cert-v01@openssh.com', keyType: 'ecdsa-sha2-nistp384' },
  { algorithm: 'ecdsa-sha2-nistp521-cert-v01@openssh.com', keyType: 'ecdsa-sha2-nistp521' },
  { algorithm: 'rsa-sha2-512-cert-v01@openssh.com', keyType: 'ssh-rsa' },
  { algorithm: 'rsa-sha2-256-cert-v01@openssh.com', keyType: 'ssh-rsa' },
];

export interface HostCertificate {
  /** The whole certificate blob, as sent by the host (`*-cert-v01@openssh.com`). */
  blob: Buffer;
  type: string;
  /** The plain public key blob it certifies (what the handshake shows as the host key). */
  key: Buffer;
  serial: bigint;
  certType: number;
  keyId: string;
  principals: string[];
  validAfter: bigint;
  validBefore: bigint;
  criticalOptions: string[];
  /** The CA's plain public key blob. */
  signatureKey: Buffer;
  signatureType: string;
  signature: Buffer;
  /** What the CA signed: the blob up to and including the signature key. */
  signed: Buffer;
}

/** Parses a certificate blob; throws with the reason when it is not one runbook can check. */
export function parseHostCertificate(blob: Buffer): HostCertificate {
  try {
    const reader = new WireReader(blob);
    const type = reader.text();
    const layout = CERTIFIED_KEY_TYPES[type];
    if (!layout) throw new CertificateFormatError(`unsupported certificate type ${type}`);
    reader.string(); // nonce
    const keyStart = reader.offset;
    for (let i = 0; i < layout.fields; i++) reader.string(); // mpints are strings on the wire
    const key = Buffer.concat([sshString(layout.plain), blob.subarray(keyStart, reader.offset)]);
    const serial = reader.uint64();
    const certType = reader.uint32();
    const keyId = reader.text();
    const principals = names(reader.string());
    const validAfter = reader.uint64();
    const validBefore = reader.uint64();
    const criticalOptions = optionNames(reader.string());
    optionNames(reader.string()); // extensions: none matter for a host certificate
    reader.string(); // reserved
    const signatureKey = reader.string();
    const signed = blob.subarray(0, reader.offset);
    const signatureReader = new WireReader(reader.string());
    if (!reader.done) throw new CertificateFormatError('trailing data');
    const signatureType = signatureReader.text();
    const signature = signatureReader.string();
    return { blob, type, key, serial, certType, keyId, principals, validAfter, validBefore, criticalOptions, signatureKey, signatureType, signature, signed };
  } catch (error) {
    if (error instanceof CertificateFormatError) throw new Error(`malformed host certificate (${error.message})`, { cause: error });
    throw error;
  }
}

function names(packed: Buffer): string[] {
  const reader = new WireReader(packed);
  const list: string[] = [];
  while (!reader.done) list.push(reader.text());
  return list;
}

/** Options and extensions: (name, data) pairs; only the names are used. */
function optionNames(packed: Buffer): string[] {
  const reader = new WireReader(packed);
  const list: string[] = [];
  while (!reader.done) {
    list.push(reader.text());
    reader.string();
  }
  return list;
}

/** A trusted CA key, from a `@cert-authority` known_hosts line. */
export interface CertificateAuthority {
  blob: Buffer;
  /** `file:line`, for messages. */
  where: string;
}

export interface CertificateCheck {
  /** The host's plain key from the handshake. */
  hostKey: Buffer;
  /** The name the host was connected to (OpenSSH checks the host name or address, never the port). */
  principal: string;
  authorities: CertificateAuthority[];
  /** `@revoked` keys (blobs, each with its `file:line`): neither the CA nor the host key may be one. */
  revoked: Array<{ blob: Buffer; where: string }>;
  /** Seconds since the epoch. */
  now: number;
}

export type CertificateVerdict = { trusted: true; authority: CertificateAuthority; certificate: HostCertificate } | { trusted: false; reason: string; authority?: CertificateAuthority };

/**
 * OpenSSH's checks for a host certificate (sshconnect.c check_host_cert, sshkey_cert_check_host):
 * a host certificate for exactly this key, signed by a trusted CA with an allowed signature
 * algorithm (CASignatureAlgorithms' default: no SHA-1 RSA), the name among its principals (an
 * empty list is valid for every name), valid now, no critical option (none is defined for host
 * certificates), and neither the CA nor the key `@revoked`.
 */
export function checkHostCertificate(blob: Buffer, check: CertificateCheck): CertificateVerdict {
  let certificate: HostCertificate;
  try {
    certificate = parseHostCertificate(blob);
  } catch (error) {
    return { trusted: false, reason: (error as Error).message };
  }
  const authority = check.authorities.find((ca) => samePublicKey(ca.blob, certificate.signatureKey));
  if (!authority) return { trusted: false, reason: `the host's certificate is signed by ${describeKey(certificate.signatureKey)}, which is not the @cert-authority key` };
  const refuse = (reason: string): CertificateVerdict => ({ trusted: false, reason, authority });
  const revokedCa = check.revoked.find((r) => samePublicKey(r.blob, certificate.signatureKey));
  if (revokedCa) return refuse(`the certificate authority's key is marked @revoked at ${revokedCa.where}`);
  const revokedKey = check.revoked.find((r) => samePublicKey(r.blob, certificate.key));
  if (revokedKey) return refuse(`the host key is marked @revoked at ${revokedKey.where}`);
  if (!certificate.key.equals(check.hostKey)) return refuse(`the certificate is for another key (${describeKey(certificate.key)}), not the host key`);
  if (certificate.certType !== HOST_CERTIFICATE) return refuse(`the certificate is not a host certificate (type ${certificate.certType})`);
  const signatureProblem = verifiedSignature(blob, certificate);
  if (signatureProblem) return refuse(signatureProblem);
  const now = BigInt(Math.floor(check.now));
  if (now < certificate.validAfter) return refuse(`the certificate is not valid yet (valid from ${timestamp(certificate.validAfter)})`);
  if (now >= certificate.validBefore) return refuse(`the certificate expired (valid until ${timestamp(certificate.validBefore)})`);
  if (certificate.principals.length > 0 && !certificate.principals.includes(check.principal.toLowerCase())) {
    return refuse(`${check.principal} is not a principal of the certificate (it names ${certificate.principals.join(', ')})`);
  }
  if (certificate.criticalOptions.length > 0) return refuse(`the certificate has critical options runbook does not know: ${certificate.criticalOptions.join(', ')}`);
  return { trusted: true, authority, certificate };
}

/** One line about a certificate for -vvvv (no secret in it: it is public data). */
export function describeCertificate(certificate: HostCertificate): string {
  const validity = certificate.validBefore === FOREVER ? 'no expiry' : `valid until ${timestamp(certificate.validBefore)}`;
  return `id "${certificate.keyId}", serial ${certificate.serial}, principals ${certificate.principals.join(',') || '(any)'}, ${validity}`;
}

export function describeKey(blob: Buffer): string {
  try {
    return `${new WireReader(blob).text()} ${fingerprint(plainPublicKey(blob))}`;
  } catch {
    return 'an unreadable key';
  }
}

/** The plain key of a certificate blob, or the blob itself. */
export function plainPublicKey(blob: Buffer): Buffer {
  try {
    const type = new WireReader(blob).text();
    if (CERTIFIED_KEY_TYPES[type]) return parseHostCertificate(blob).key;
  } catch {
    // not a key we know: compared as it is
  }
  return blob;
}

/** OpenSSH's sshkey_equal_public: the same key material, a certificate counting as the key it certifies. */
function samePublicKey(a: Buffer, b: Buffer): boolean {
  return plainPublicKey(a).equals(plainPublicKey(b));
}

function timestamp(seconds: bigint): string {
  if (seconds === FOREVER) return 'forever';
  return new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

const ECDSA_CURVES: Record<string, { curve: string; hash: string; size: number }> = {
  'ecdsa-sha2-nistp256': { curve: 'P-256', hash: 'sha256', size: 32 },
  'ecdsa-sha2-nistp384': { curve: 'P-384', hash: 'sha384', size: 48 },
  'ecdsa-sha2-nistp521': { curve: 'P-521', hash: 'sha512', size: 66 },
};
const RSA_SIGNATURE_HASHES: Record<string, string> = { 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512' };

/** Signature checks of this process, by certificate blob: a CA's signature over it is a fact that does not change. */
const signatureChecks = new Map<string, string | undefined>();
const SIGNATURE_CHECKS_KEPT = 10_000;

/**
 * verifySignature, once per certificate: a connection checks its host's certificate twice (before
 * the handshake and for the key it shows), and a fleet's aliases of one sshd share it.
 */
function verifiedSignature(blob: Buffer, certificate: HostCertificate): string | undefined {
  const id = blob.toString('base64');
  if (signatureChecks.has(id)) return signatureChecks.get(id);
  const problem = verifySignature(certificate);
  if (signatureChecks.size >= SIGNATURE_CHECKS_KEPT) signatureChecks.clear();
  signatureChecks.set(id, problem);
  return problem;
}

/** Returns why the CA's signature does not verify, or undefined when it does. */
function verifySignature(certificate: HostCertificate): string | undefined {
  const { signatureKey, signatureType, signature, signed } = certificate;
  let caType: string;
  let key: KeyObject;
  try {
    const reader = new WireReader(signatureKey);
    caType = reader.text();
    key = publicKey(caType, reader);
  } catch (error) {
    return `the certificate's CA key cannot be used (${(error as Error).message})`;
  }
  let good: boolean;
  try {
    if (caType === 'ssh-ed25519') {
      if (signatureType !== 'ssh-ed25519') return `the certificate's signature (${signatureType}) does not fit its CA key (${caType})`;
      good = verify(null, signed, key, signature);
    } else if (ECDSA_CURVES[caType]) {
      if (signatureType !== caType) return `the certificate's signature (${signatureType}) does not fit its CA key (${caType})`;
      const { hash, size } = ECDSA_CURVES[caType];
      const reader = new WireReader(signature);
      const raw = Buffer.concat([fixedWidth(reader.string(), size), fixedWidth(reader.string(), size)]);
      good = verify(hash, signed, { key, dsaEncoding: 'ieee-p1363' }, raw);
    } else {
      // ssh-rsa: SHA-1 signatures are refused, as OpenSSH's default CASignatureAlgorithms does.
      const hash = RSA_SIGNATURE_HASHES[signatureType];
      if (!hash) return `the certificate is signed with ${signatureType}, which is not an allowed CA signature algorithm`;
      good = verify(hash, signed, key, signature);
    }
  } catch (error) {
    return `the certificate's signature cannot be checked (${(error as Error).message})`;
  }
  return good ? undefined : 'the certificate\'s signature does not verify with the @cert-authority key';
}

/** An SSH public key (after its type string) as a node:crypto key. */
function publicKey(type: string, reader: WireReader): KeyObject {
  if (type === 'ssh-ed25519') return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: reader.string().toString('base64url') }, format: 'jwk' });
  const curve = ECDSA_CURVES[type];
  if (curve) {
    reader.string(); // curve name, implied by the type
    const point = reader.string();
    if (point[0] !== 4 || point.length !== 1 + 2 * curve.size) throw new Error('unsupported EC point encoding');
    const x = point.subarray(1, 1 + curve.size).toString('base64url');
    const y = point.subarray(1 + curve.size).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv: curve.curve, x, y }, format: 'jwk' });
  }
  if (type === 'ssh-rsa') {
    const e = unsigned(reader.string());
    const n = unsigned(reader.string());
    return createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, format: 'jwk' });
  }
  throw new Error(`unsupported key type ${type}`);
}

/** An mpint without its sign byte. */
function unsigned(mpint: Buffer): Buffer {
  let start = 0;
  while (start < mpint.length - 1 && mpint[start] === 0) start++;
  return mpint.subarray(start);
}

/** An mpint as a big-endian number of exactly `size` bytes (r and s of an ECDSA signature). */
function fixedWidth(mpint: Buffer, size: number): Buffer {
  const value = unsigned(mpint);
  if (value.length > size) throw new Error('ECDSA signature value too large');
  return Buffer.concat([Buffer.alloc(size - value.length), value]);
}
