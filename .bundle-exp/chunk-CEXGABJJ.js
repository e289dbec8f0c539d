import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  InputError
} from "./chunk-2UVUKPLH.js";

// dist/lib/vault/locked.js
var LockedVaultValue = class {
  vaultText;
  reason;
  location;
  constructor(vaultText, reason, location) {
    this.vaultText = vaultText;
    this.reason = reason;
    this.location = location;
  }
  toString() {
    throw new InputError(`cannot use the vault-encrypted value: ${this.reason}`, this.location);
  }
  /** As ansible-inventory --list shows an encrypted value. */
  toJSON() {
    return { __ansible_vault: this.vaultText };
  }
};

// dist/lib/vault/redact.js
var secretTexts = /* @__PURE__ */ new Set();
var secretNodes = /* @__PURE__ */ new WeakSet();
var MIN_SCRUB_LENGTH = 4;
var MIN_LINE_LENGTH = 8;
var scrubPattern;
var REDACTED = "********";
function markSecret(value) {
  if (typeof value === "string") {
    if (value !== "" && !secretTexts.has(value)) {
      secretTexts.add(value);
      for (const line of value.split("\n"))
        if (line !== value && line.trim().length >= MIN_LINE_LENGTH)
          secretTexts.add(line);
      scrubPattern = void 0;
    }
  } else if (typeof value === "object" && value !== null && !secretNodes.has(value)) {
    secretNodes.add(value);
    for (const inner of Object.values(value))
      markSecret(inner);
  }
  return value;
}
function markSecretNode(node) {
  secretNodes.add(node);
}
function isSecret(value) {
  if (typeof value === "string")
    return secretTexts.has(value);
  return typeof value === "object" && value !== null && secretNodes.has(value);
}
var secretReads = 0;
function noteRead(value) {
  if (value instanceof LockedVaultValue)
    value.toString();
  if (secretTexts.size > 0 && isSecret(value))
    secretReads++;
}
function readsSecret(render) {
  const before = secretReads;
  const value = render();
  return { value, secret: secretReads !== before };
}
function holdsSecret(value) {
  if (secretTexts.size === 0)
    return false;
  if (typeof value === "string")
    return secretTexts.has(value) || redactText(value) !== value;
  if (typeof value === "object" && value !== null)
    return secretNodes.has(value) || Object.values(value).some(holdsSecret);
  return false;
}
function redactText(text) {
  if (secretTexts.size === 0 || text === "")
    return text;
  if (!scrubPattern) {
    const texts = [...secretTexts].filter((t) => t.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
    if (texts.length === 0)
      return secretTexts.has(text) ? REDACTED : text;
    scrubPattern = new RegExp(texts.map(escapeRegExp).join("|"), "g");
  }
  if (secretTexts.has(text))
    return REDACTED;
  return text.replace(scrubPattern, REDACTED);
}
function redact(value) {
  if (secretTexts.size === 0)
    return value;
  return redactDeep(value);
}
function redactDeep(value) {
  if (typeof value === "string")
    return redactText(value);
  if (Array.isArray(value)) {
    const items = value.map(redactDeep);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const copy = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[key] = redactDeep(inner);
      if (copy[key] !== inner)
        changed = true;
    }
    return changed ? copy : value;
  }
  return value;
}
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// dist/lib/vault/envelope.js
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
var VAULT_HEADER = "$ANSIBLE_VAULT";
var VaultFormatError = class extends Error {
};
function isVaultText(text) {
  const head = typeof text === "string" ? text.trimStart().slice(0, VAULT_HEADER.length) : text.subarray(0, 64).toString("latin1").trimStart().slice(0, VAULT_HEADER.length);
  return head === VAULT_HEADER;
}
function parseEnvelope(text) {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(";").map((field) => field.trim());
  if (header[0] !== VAULT_HEADER || header.length < 3)
    throw new VaultFormatError(`not a vault header: '${lines[0].slice(0, 60)}'`);
  const [, version, cipher, vaultId] = header;
  if (cipher !== "AES256")
    throw new VaultFormatError(`vault cipher '${cipher}' is not supported (only AES256, as ansible-vault writes)`);
  if (version !== "1.1" && version !== "1.2")
    throw new VaultFormatError(`vault format version '${version}' is not supported (1.1 and 1.2 are)`);
  const payload = lines.slice(1).map((line) => line.trim()).join("");
  return { version, cipher, ...vaultId ? { vaultId } : {}, payload };
}
function unhex(text, what) {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text))
    throw new VaultFormatError(`vault ${what} is not hexadecimal`);
  return Buffer.from(text, "hex");
}
function parsePayload(payload) {
  const inner = unhex(payload, "payload").toString("latin1");
  const [salt, hmac, ciphertext, extra] = inner.split("\n");
  if (ciphertext === void 0 || extra !== void 0)
    throw new VaultFormatError("vault payload does not hold salt, HMAC and ciphertext");
  return { salt: unhex(salt, "salt"), hmac: unhex(hmac, "HMAC"), ciphertext: unhex(ciphertext, "ciphertext") };
}
function deriveKeys(password, salt) {
  const derived = pbkdf2Sync(password, salt, 1e4, 80, "sha256");
  return { key: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
}
function decryptWith(envelope, password) {
  const { salt, hmac, ciphertext } = parsePayload(envelope.payload);
  const { key, hmacKey, iv } = deriveKeys(password, salt);
  const expected = createHmac("sha256", hmacKey).update(ciphertext).digest();
  if (expected.length !== hmac.length || !timingSafeEqual(expected, hmac))
    return void 0;
  const decipher = createDecipheriv("aes-256-ctr", key, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded.length > 0 ? padded[padded.length - 1] : 0;
  if (pad < 1 || pad > 16 || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new VaultFormatError("vault plaintext has invalid padding");
  }
  return padded.subarray(0, padded.length - pad);
}
function encrypt(plaintext, password, vaultId, salt = randomBytes(32)) {
  const { key, hmacKey, iv } = deriveKeys(password, salt);
  const pad = 16 - plaintext.length % 16;
  const cipher = createCipheriv("aes-256-ctr", key, iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([plaintext, Buffer.alloc(pad, pad)])), cipher.final()]);
  const hmac = createHmac("sha256", hmacKey).update(ciphertext).digest();
  const inner = [salt.toString("hex"), hmac.toString("hex"), ciphertext.toString("hex")].join("\n");
  const hex = Buffer.from(inner, "latin1").toString("hex");
  const header = vaultId && vaultId !== "default" ? `${VAULT_HEADER};1.2;AES256;${vaultId}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < hex.length; i += 80)
    lines.push(hex.slice(i, i + 80));
  return `${lines.join("\n")}
`;
}

// dist/lib/vault/secrets.js
import { readFileSync, statSync } from "node:fs";

// dist/lib/util/files.js
import { accessSync, constants } from "node:fs";
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// dist/lib/vault/secrets.js
import { execFileSync } from "node:child_process";
async function loadVaultSecrets(options) {
  const slugs = [...options.vaultIds ?? [], ...(options.passwordFiles ?? []).map((file) => `default@${file}`)];
  if (options.askVaultPass)
    slugs.push("default@prompt");
  const secrets = [];
  for (const slug of slugs) {
    const at = slug.indexOf("@");
    const id = at > 0 ? slug.slice(0, at) : "default";
    const source = at > 0 ? slug.slice(at + 1) : slug;
    if (source === "prompt" || source === "prompt_ask_vault_pass") {
      if (!options.prompt || !process.stdin.isTTY)
        throw new InputError(`a vault password prompt (${slug}) needs a terminal; use --vault-password-file`);
      const answer = await options.prompt(id === "default" ? "Vault password: " : `Vault password (${id}): `);
      if (answer === "")
        throw new InputError("an empty vault password was given");
      secrets.push({ id, password: Buffer.from(answer, "utf8"), source: "prompt" });
    } else {
      secrets.push({ id, password: readPasswordFile(source), source });
    }
  }
  return secrets;
}
function readPasswordFile(file) {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new InputError(`the vault password file ${file} was not found`);
  }
  if (!stat.isFile())
    throw new InputError(`the vault password file ${file} is not a file`);
  let password;
  if (isExecutable(file)) {
    try {
      password = stripNewlines(execFileSync(file, [], { stdio: ["ignore", "pipe", "pipe"] }));
    } catch (error) {
      throw new InputError(`the vault password script ${file} failed: ${error.message.split("\n")[0]}`);
    }
  } else {
    password = Buffer.from(readFileSync(file).toString("utf8").trim(), "utf8");
  }
  if (password.length === 0)
    throw new InputError(`the vault password file ${file} is empty`);
  return password;
}
function stripNewlines(buffer) {
  let start = 0;
  let end = buffer.length;
  while (start < end && (buffer[start] === 10 || buffer[start] === 13))
    start++;
  while (end > start && (buffer[end - 1] === 10 || buffer[end - 1] === 13))
    end--;
  return buffer.subarray(start, end);
}
var configured = [];
var inlineVaultTexts = /* @__PURE__ */ new Map();
function rememberVaultText(plaintext, vaultText) {
  inlineVaultTexts.set(plaintext, vaultText);
}
function vaultTextOf(plaintext) {
  return inlineVaultTexts.get(plaintext);
}
function setVaultSecrets(secrets) {
  configured = secrets;
}
var VaultDecryptError = class extends Error {
};
function decryptVaultText(text, secrets = configured) {
  let envelope;
  try {
    envelope = parseEnvelope(text);
  } catch (error) {
    throw new VaultDecryptError(error.message);
  }
  if (secrets.length === 0) {
    throw new VaultDecryptError("this is vault-encrypted data and no vault password was given (use --vault-password-file, --vault-id or --ask-vault-pass)");
  }
  const ordered = envelope.vaultId ? [...secrets.filter((s) => s.id === envelope.vaultId), ...secrets.filter((s) => s.id !== envelope.vaultId)] : secrets;
  for (const secret of ordered) {
    try {
      const plaintext = decryptWith(envelope, secret.password);
      if (plaintext)
        return plaintext;
    } catch (error) {
      if (error instanceof VaultFormatError)
        throw new VaultDecryptError(error.message);
      throw error;
    }
  }
  const named = envelope.vaultId ? ` (vault id '${envelope.vaultId}')` : "";
  throw new VaultDecryptError(`none of the ${secrets.length} vault password(s) given decrypts this data${named}`);
}
function encryptVaultText(plaintext, secret) {
  return encrypt(plaintext, secret.password, secret.id);
}
function readMaybeVaultFile(file) {
  const raw = readFileSync(file);
  if (!isVaultText(raw))
    return { data: raw, vaulted: false };
  try {
    const data = decryptVaultText(raw.toString("utf8"));
    markSecret(data.toString("utf8"));
    return { data, vaulted: true };
  } catch (error) {
    if (error instanceof VaultDecryptError)
      throw new InputError(`cannot decrypt ${file}: ${error.message}`);
    throw error;
  }
}

export {
  LockedVaultValue,
  REDACTED,
  markSecret,
  markSecretNode,
  isSecret,
  noteRead,
  readsSecret,
  holdsSecret,
  redactText,
  redact,
  isExecutable,
  isVaultText,
  loadVaultSecrets,
  rememberVaultText,
  vaultTextOf,
  setVaultSecrets,
  VaultDecryptError,
  decryptVaultText,
  encryptVaultText,
  readMaybeVaultFile
};
