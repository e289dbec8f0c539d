// Manual/demo entry point: `node dist/test/sandbox/cli.js up N [--dir D]`.
// Keeps the hosts up until SIGINT/SIGTERM; the harness's own signal handlers
// tear them down, so nothing here needs to race them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Sandbox } from './hosts.js';

function usage(): never {
  process.stderr.write('usage: cli.js up N [--dir D] [--port P] [--become name,...] [--packages]\n');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] !== 'up' || !/^\d+$/.test(argv[1] ?? '')) usage();
  const count = Number(argv[1]);
  let dir = '.sandbox';
  let port: number | undefined;
  let become: string[] = [];
  let packages = false;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--packages') {
      packages = true;
      continue;
    }
    const v = argv[i + 1];
    if (v === undefined) usage();
    if (argv[i] === '--dir') dir = v;
    else if (argv[i] === '--port') port = Number(v);
    else if (argv[i] === '--become') become = v.split(',');
    else usage();
    i++;
  }
  dir = resolve(dir);
  const t0 = Date.now();
  const sb = await Sandbox.start({ count, port, becomeHosts: become, packages });
  mkdirSync(dir, { recursive: true });
  const inv = join(dir, 'inventory.yaml');
  const known = join(dir, 'known_hosts');
  sb.writeInventory(inv);
  const knownText = readFileSync(sb.knownHostsFile, 'utf8');
  writeFileSync(known, knownText);
  process.stdout.write(`# ${count} hosts up in ${Date.now() - t0} ms (state: ${sb.dir})\n`);
  process.stdout.write(`# ${inv}\n${sb.inventoryYaml()}\n# ${known}\n${knownText}`);
  process.stdout.write(`# e.g. ssh -i ${sb.keyFile} -o UserKnownHostsFile=${known} -p ${sb.hosts[0]?.port} root@${sb.hosts[0]?.address} hostname\n`);
  process.stdout.write('# Ctrl-C to stop\n');
  setInterval(() => {}, 1 << 30);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
