import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  InputError
} from "./chunk-2UVUKPLH.js";

// dist/lib/cli/flags.js
import { statSync } from "node:fs";
var UNSUPPORTED = [
  { flags: ["-k", "--ask-pass"], why: "runbook logs in with keys only (a key file, ~/.ssh/id_*, or ssh-agent)" },
  { flags: ["--connection-password-file"], why: "runbook logs in with keys only (a key file, ~/.ssh/id_*, or ssh-agent)" },
  { flags: ["--ssh-common-args", "--ssh-extra-args", "--scp-extra-args", "--sftp-extra-args"], why: "runbook speaks SSH itself (ssh2), not through the ssh/scp/sftp programs" },
  { flags: ["-M", "--module-path"], why: "runbook's modules are built in (runbook doc lists them)" },
  { flags: ["--step"], why: "there is no interactive stepping; --list-tasks shows what would run" },
  { flags: ["--force-handlers"], why: "handlers of a failed host do not run" },
  { flags: ["-B", "--background", "-P", "--poll"], why: "there are no asynchronous tasks" },
  { flags: ["--one-line"], why: "use --output plain or --output json", commands: ["run"] },
  { flags: ["--tree"], why: "use --output json and keep the lines you need", commands: ["run"] },
  { flags: ["--playbook-dir"], why: "files are looked up next to the playbook" },
  { flags: ["--task-timeout"], why: "runbook run has no time limit for the module (runbook apply has --task-timeout)", commands: ["run"] }
];
function rejectUnsupportedFlags(argv) {
  const command = argv.find((a) => !a.startsWith("-"));
  for (const arg of argv) {
    if (arg === "--")
      return;
    const name = arg.startsWith("--") ? arg.split("=")[0] : arg;
    const entry = UNSUPPORTED.find((u) => u.flags.includes(name) && (u.commands ?? ["apply", "run"]).includes(command ?? ""));
    if (entry)
      throw new InputError(`${name} (from ansible) is not supported by runbook: ${entry.why}`);
  }
}
function checkOnlyChoice(flag, value, accepted, why) {
  if (value === void 0 || accepted.includes(value))
    return;
  throw new InputError(`${flag} ${value} is not supported by runbook: ${why}`);
}
function wholeNumber(flag, value, min) {
  const number = typeof value === "number" ? value : Number(value);
  if (typeof value === "string" && value.trim() === "")
    throw new InputError(`${flag} needs a number`);
  if (!Number.isInteger(number) || number < min)
    throw new InputError(`${flag} must be a whole number of at least ${min} (got '${String(value)}')`);
  return number;
}
function positiveSeconds(flag, value) {
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InputError(`${flag} must be a positive number of seconds (got '${String(value)}')`);
  return number;
}
function fileOrAbsent(flag, path) {
  try {
    if (statSync(path).isDirectory())
      throw new InputError(`${flag} ${path} is a directory; name a file`);
  } catch (error) {
    if (error instanceof InputError)
      throw error;
  }
  return path;
}
function existingFile(what, path) {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new InputError(`${what} ${path}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  }
  if (stat.isDirectory())
    throw new InputError(`${what} ${path} is a directory; name a file`);
  return path;
}

export {
  rejectUnsupportedFlags,
  checkOnlyChoice,
  wholeNumber,
  positiveSeconds,
  fileOrAbsent,
  existingFile
};
