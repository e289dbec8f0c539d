// The floor of the benchmark: what one SSH round trip per host costs with nothing else, measured
// as a process of its own like the tools. A bare ssh2 script: one connection per host, the host
// key checked against known_hosts, one command (`true`), all hosts at once. runbook's no-op rerun
// is the same handshake and one round trip per host plus everything runbook does besides SSH;
// its ratio to this floor is what runbook itself costs.
//
//   node dist/test/bench/floor.js INVENTORY.yaml KNOWN_HOSTS
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import yaml from 'js-yaml';
import { Client } from 'ssh2';

interface InventoryHost { ansible_host: string; ansible_port: number; ansible_user: string; ansible_ssh_private_key_file: string }

/** Connects, runs `true`, closes: resolves with the command's exit code. */
function once(name: string, host: InventoryHost, key: Buffer, known: Set<string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: host.ansible_host, port: host.ansible_port });
    socket.setNoDelay(true);
    const client = new Client();
    client.on('error', (error) => reject(new Error(`${name}: ${error.message}`)));
    client.on('ready', () => {
      client.exec('true', (error, stream) => {
        if (error) return reject(new Error(`${name}: ${error.message}`));
        stream.on('data', () => undefined).stderr.on('data', () => undefined);
        stream.on('close', (code: number | null) => {
          client.end();
          resolve(code ?? 128);
        });
      });
    });
    client.connect({
      sock: socket,
      // As runbook's fleet runs (--connect-timeout 300): 1,000 handshakes at once on a 2-CPU machine
      // outlast ssh2's default 20 s, and the floor measures SSH's cost, not a timeout.
      readyTimeout: 300_000,
      username: host.ansible_user,
      privateKey: key,
      hostVerifier: (hostKey: Buffer) => known.has(hostKey.toString('base64')),
    });
  });
}

async function main(inventoryFile: string, knownHostsFile: string): Promise<number> {
  const inventory = yaml.load(readFileSync(inventoryFile, 'utf8')) as { all: { hosts: Record<string, InventoryHost> } };
  const known = new Set(readFileSync(knownHostsFile, 'utf8').split('\n').map((line) => line.split(/\s+/)[2]).filter(Boolean));
  const keys = new Map<string, Buffer>();
  const hosts = Object.entries(inventory.all.hosts);
  const codes = await Promise.all(hosts.map(([name, host]) => {
    const file = host.ansible_ssh_private_key_file;
    if (!keys.has(file)) keys.set(file, readFileSync(file));
    return once(name, host, keys.get(file)!, known);
  }));
  const failed = codes.filter((code) => code !== 0).length;
  console.log(`floor: ${hosts.length} hosts, 1 connection and 1 round trip each, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main(process.argv[2], process.argv[3]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`floor: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
