import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  loadVaultSecrets,
  setVaultSecrets
} from "./chunk-CEXGABJJ.js";

// dist/lib/cli/vault-options.js
function vaultOptions(y) {
  return y.option("vault-password-file", { alias: "vault-pass-file", type: "string", array: true, nargs: 1, describe: "File holding the vault password (an executable file is run and its output used)" }).option("ask-vault-pass", { alias: "J", type: "boolean", default: false, describe: "Ask for the vault password" }).option("vault-id", { type: "string", array: true, nargs: 1, describe: "Vault identity to use: id@file, id@prompt, or file" });
}
async function configureVault(args) {
  const secrets = await loadVaultSecrets({
    vaultIds: args.vaultId ?? [],
    passwordFiles: args.vaultPasswordFile ?? [],
    askVaultPass: args.askVaultPass === true,
    prompt: promptHidden
  });
  setVaultSecrets(secrets);
  return secrets;
}
function promptHidden(question) {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    let answer = "";
    const wasRaw = input.isRaw;
    input.setRawMode?.(true);
    input.resume();
    process.stderr.write(question);
    input.setEncoding("utf8");
    const done = (error) => {
      input.setRawMode?.(wasRaw);
      input.pause();
      input.removeListener("data", onData);
      process.stderr.write("\n");
      if (error)
        reject(error);
      else
        resolve(answer);
    };
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n")
          return done();
        if (ch === "")
          return done(new Error("interrupted"));
        if (ch === "\x7F" || ch === "\b")
          answer = answer.slice(0, -1);
        else
          answer += ch;
      }
    };
    input.on("data", onData);
  });
}

export {
  vaultOptions,
  configureVault,
  promptHidden
};
