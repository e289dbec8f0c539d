import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  configureVault
} from "./chunk-JQYNUFO3.js";
import {
  VaultDecryptError,
  decryptVaultText,
  encryptVaultText,
  isVaultText
} from "./chunk-CEXGABJJ.js";
import {
  InputError
} from "./chunk-2UVUKPLH.js";
import "./chunk-J7TIHFHR.js";

// dist/lib/cli/vault.js
import { readFileSync, renameSync, writeFileSync, openSync, closeSync, fchmodSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
async function vaultCommand(args) {
  const secrets = await configureVault(args);
  if (secrets.length === 0)
    throw new InputError("a vault password is needed: --vault-password-file FILE, --vault-id ID@FILE or --ask-vault-pass");
  const files = args.files ?? [];
  switch (args.action) {
    case "encrypt": {
      const secret = encryptSecret(secrets, args.encryptVaultId);
      for (const file of inputs(files)) {
        const data = read(file);
        if (isVaultText(data))
          throw new InputError(`${file} is already encrypted`);
        emit(args.output, file, Buffer.from(encryptVaultText(data, secret)));
      }
      if (args.output !== "-")
        process.stderr.write("Encryption successful\n");
      return 0;
    }
    case "decrypt":
    case "view": {
      for (const file of inputs(files)) {
        const data = read(file);
        if (!isVaultText(data))
          throw new InputError(`${file} is not a vault-encrypted file`);
        let plaintext;
        try {
          plaintext = decryptVaultText(data.toString("utf8"), secrets);
        } catch (error) {
          if (error instanceof VaultDecryptError)
            throw new InputError(`cannot decrypt ${file}: ${error.message}`);
          throw error;
        }
        if (args.action === "view")
          process.stdout.write(plaintext);
        else
          emit(args.output, file, plaintext);
      }
      if (args.action === "decrypt" && args.output !== "-")
        process.stderr.write("Decryption successful\n");
      return 0;
    }
    case "encrypt_string": {
      const secret = encryptSecret(secrets, args.encryptVaultId);
      const values = files.length > 0 ? files : [readFileSync(0, "utf8")];
      const names = files.length > 0 ? args.name ?? [] : args.stdinName ? [args.stdinName] : [];
      values.forEach((value, index) => {
        const vaultText = encryptVaultText(Buffer.from(value, "utf8"), secret);
        const indented = vaultText.trimEnd().split("\n").map((line) => `          ${line}`).join("\n");
        const name = names[index];
        process.stdout.write(name ? `${name}: !vault |
${indented}
` : `!vault |
${indented}
`);
      });
      process.stderr.write("Encryption successful\n");
      return 0;
    }
  }
}
function encryptSecret(secrets, id) {
  if (id !== void 0) {
    const found = secrets.find((s) => s.id === id);
    if (!found)
      throw new InputError(`--encrypt-vault-id '${id}' names no vault id given (${secrets.map((s) => s.id).join(", ")})`);
    return found;
  }
  if (secrets.length > 1)
    throw new InputError(`several vault ids are given (${secrets.map((s) => s.id).join(", ")}): name the one to encrypt with, --encrypt-vault-id ID`);
  return secrets[0];
}
function inputs(files) {
  return files.length > 0 ? files : ["-"];
}
function read(file) {
  try {
    return file === "-" ? readFileSync(0) : readFileSync(file);
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${error.code ?? error}`);
  }
}
function emit(output, file, data) {
  const target = output ?? file;
  if (target === "-") {
    process.stdout.write(data);
    return;
  }
  writeAtomically(target, data);
}
function writeAtomically(file, data) {
  let mode = 384;
  try {
    mode = statSync(file).mode & 4095;
  } catch {
  }
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", 384);
  try {
    writeFileSync(fd, data);
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
export {
  vaultCommand
};
