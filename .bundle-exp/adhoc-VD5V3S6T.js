import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  configuredInventory,
  connectionDetails,
  connectionRunOptions,
  createReporter,
  loadInventories,
  parseExtraVars,
  parsePlaybook,
  planRun,
  runPlaybooks,
  settleSession
} from "./chunk-ZBQRHZ6P.js";
import "./chunk-LQF5EPRV.js";
import {
  defaultRegistry
} from "./chunk-H2E5YLVL.js";
import "./chunk-26FRTH2G.js";
import {
  formatResultDiffs
} from "./chunk-I7335OHK.js";
import {
  colorForcedByEnv,
  colorWantedOnTerminal,
  createPalette
} from "./chunk-R3A7HIJR.js";
import "./chunk-DFV3BYGA.js";
import "./chunk-DNMEMACC.js";
import {
  configureVault
} from "./chunk-JQYNUFO3.js";
import {
  redact
} from "./chunk-CEXGABJJ.js";
import {
  InputError
} from "./chunk-2UVUKPLH.js";
import "./chunk-J7TIHFHR.js";

// dist/lib/report/adhoc.js
var AdhocReporter = class {
  options;
  palette;
  dryRun = false;
  constructor(options, terminal) {
    this.options = options;
    this.palette = createPalette(options.color ?? (terminal ? colorWantedOnTerminal() : colorForcedByEnv()));
  }
  onEvent(event) {
    if (event.type === "run_start")
      this.dryRun = event.dryRun;
    if (event.type === "task_result")
      this.write(this.block(event));
  }
  async finish() {
  }
  block(event) {
    const ignoredFailure = event.ignored === true;
    const [state, style] = event.status === "unreachable" ? ["UNREACHABLE!", "red"] : event.status === "failed" || ignoredFailure ? ["FAILED", "red"] : event.status === "changed" ? [this.dryRun ? "WOULD CHANGE" : "CHANGED", "yellow"] : event.status === "skipped" ? ["SKIPPED", "cyan"] : ["SUCCESS", "green"];
    let text;
    if (event.rc !== void 0 && event.status !== "unreachable") {
      const output = [event.stdout, event.stderr].filter((s) => s !== void 0 && s !== "").join("\n");
      text = `${this.palette.paint(style, `${event.host} | ${state} | rc=${event.rc} >>`)}
${output}`;
    } else {
      text = `${this.palette.paint(style, `${event.host} | ${state}${event.status === "failed" ? "!" : ""} =>`)} ${event.message ?? (event.status === "changed" ? "changed" : "ok")}`;
    }
    const diffs = this.options.diff ? formatResultDiffs(event, this.palette) : "";
    return diffs ? `${text}
${diffs}` : text;
  }
  write(text) {
    this.options.out.write(`${text.replace(/\n+$/, "")}
`);
  }
};

// dist/lib/cli/adhoc.js
async function adhocCommand(args) {
  const session = await settleSession(args);
  const registry = defaultRegistry();
  await configureVault({ ...args, vaultPasswordFile: args.vaultPasswordFile?.length ? args.vaultPasswordFile : session.vaultPasswordFile ? [session.vaultPasswordFile] : void 0 });
  const module = registry.get(args.moduleName);
  if (!module)
    throw new InputError(`-m ${args.moduleName}: no such module (runbook doc lists them)`);
  const moduleArgs = args.args ?? "";
  if (moduleArgs.trim() === "" && module.freeForm)
    throw new InputError(`-m ${args.moduleName} needs -a 'COMMAND LINE'`);
  const origin = `<ad-hoc -m ${args.moduleName}>`;
  const plays = parsePlaybook([{ name: `ad-hoc: ${args.moduleName}`, hosts: args.pattern, gather_facts: false, tasks: [{ name: args.moduleName, [args.moduleName]: moduleArgs === "" ? {} : moduleArgs }] }], origin, registry);
  const inventoryFiles = args.inventory?.length ? args.inventory : configuredInventory(session.config);
  const inventory = loadInventories(inventoryFiles, args, session.config);
  const extraVars = parseExtraVars(args.extraVars);
  const plan = planRun({ inventory, plays, registry, extraVars, tags: [], skipTags: [], limit: args.limit });
  const reporter = session.output === "json" ? await createReporter("json", { out: process.stdout, diff: args.diff }) : new AdhocReporter({ out: process.stdout, diff: args.diff, color: session.color }, session.output === "tty");
  if (session.verbosity >= 3)
    for (const line of connectionDetails(inventory, plan[0].hosts, session))
      process.stderr.write(`${line}
`);
  const summary = await runPlaybooks({
    inventory,
    plan,
    playbookFiles: [],
    dryRun: args.dryRun,
    diff: args.diff,
    extraVars,
    ...connectionRunOptions(session),
    // Values from a vault never show, whatever a task or module put in its result.
    onEvent: (event) => reporter.onEvent(redact(event))
  }, registry);
  await reporter.finish();
  return summary.exitCode;
}
export {
  adhocCommand
};
