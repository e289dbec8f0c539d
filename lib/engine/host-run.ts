import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ConnectionSpec, InventoryHost } from '../inventory/types.js';
import { emptyRecap, type HostRecap, type TransportCounters } from './events.js';
import type { Privilege } from '../transport/types.js';
import { SshTransport } from '../transport/ssh.js';
import { LocalTransport } from '../transport/local.js';
import type { QueuedTransport } from '../transport/queued.js';
import { usableWithoutPassphrase, type KeyChoice } from '../transport/keys.js';
import type { PersistSettings } from '../transport/kept.js';
import { FactCache } from './facts.js';
import type { FileRecordStore } from './file-records.js';
import { namespacedFacts } from './vars.js';
import type { PendingResult } from './results.js';
import type { FactRequest } from '../modules/types.js';
import type { TaskSpec } from '../playbook/types.js';

export interface ConnectionSettings {
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
  becomePassword?: string;
  keepaliveMs?: number;
  privateKeys?: Map<string, KeyChoice>;
  /** A fact probe that takes longer fails the task (a hanging stat must not hang the run). */
  factTimeoutMs?: number;
  /** -vvvv: connection-level detail lines (see SshTarget.log). */
  connectionLog?: (line: string) => void;
  /** Connections kept between runs by the connection keeper (--persist). */
  persist?: PersistSettings;
  /**
   * Connections opened before the run began (while preflight ran: see engine/early.ts), by
   * openedKey: a host's run takes the one for the connection it uses instead of opening another.
   */
  opened?: Map<string, QueuedTransport>;
  /** What runbook saw of files on each target (file-records.ts): a recorded file whose identity holds is not hashed. */
  fileRecords?: FileRecordStore;
}

/** Which host and connection an early connection is for (ConnectionSettings.opened). */
export function openedKey(host: string, connection: ConnectionSpec): string {
  return `${host}\n${connectionKey(connection)}`;
}

/** Which connection a spec makes: the controller, or a login user at an address and port. */
export function connectionKey(connection: ConnectionSpec): string {
  return connection.local ? 'local' : `${connection.user}@${connection.address}:${connection.port}${connection.privateKeyFile ? ` ${connection.privateKeyFile}` : ''}`;
}

/**
 * Everything the run knows about one host: its connection, fact caches, registered results, recap.
 * A play's remote_user, port or connection (where the inventory does not set them) switch the
 * connection the host's tasks use (`useConnection`, between plays); a task's own make a variant
 * (`variant`), used as a delegation target is.
 */
export class HostRun {
  /** The connection tasks use now, and every one opened in this run (one per distinct login). */
  private current: QueuedTransport;
  connection: ConnectionSpec;
  private readonly transports = new Map<string, QueuedTransport>();
  private readonly variants = new Map<string, HostRun>();
  readonly recap: HostRecap = emptyRecap();
  /** Registered results and set_fact variables: one layer, as Ansible's non-persistent facts. Changed only through setVars. */
  readonly registered: Record<string, unknown> = {};
  /** Host facts (setup, and `ansible_facts` of modules other than set_fact and include_vars). Changed only through setVars. */
  readonly gathered: Record<string, unknown> = {};
  /** Variables from include_vars. Changed only through setVars. */
  readonly included: Record<string, unknown> = {};
  /**
   * Every change of the three layers above, in order: the names set in registered or included, or
   * null for host facts. Tasks' variables are rebuilt from what changed (see engine/vars.ts).
   */
  private readonly varsLog: Array<readonly string[] | null> = [];
  /** Changes dropped from the front of varsLog (it is kept short). */
  private varsLogStart = 0;

  /** Sets variables of one layer: set_fact and registered results, include_vars, or host facts. */
  setVars(layer: 'set' | 'included' | 'gathered', values: Record<string, unknown>): void {
    Object.assign(layer === 'set' ? this.registered : layer === 'included' ? this.included : this.gathered, values);
    if (layer === 'gathered') this.gatheredChanges++;
    if (this.varsLog.length >= 64) {
      this.varsLogStart += 32;
      this.varsLog.splice(0, 32);
    }
    this.varsLog.push(layer === 'gathered' ? null : Object.keys(values));
  }

  /** Counts the changes of host facts (setVars 'gathered'). */
  private gatheredChanges = 0;
  private namespaced?: { changes: number; facts: Record<string, unknown> };

  /**
   * `ansible_facts` as hostvars show it (namespacedFacts of the host facts), made again only when
   * they changed: hostvars show it again after every task that could have returned facts.
   */
  namespacedFacts(): Record<string, unknown> {
    if (this.namespaced?.changes !== this.gatheredChanges) this.namespaced = { changes: this.gatheredChanges, facts: namespacedFacts(this.gathered) };
    return this.namespaced.facts;
  }

  /** Moves with every setVars. */
  get varsVersion(): number {
    return this.varsLogStart + this.varsLog.length;
  }

  /** The names set in registered or included since `version`; undefined when host facts changed too (or it is too long ago). */
  varsChangedSince(version: number): string[] | undefined {
    if (version < this.varsLogStart) return undefined;
    const names: string[] = [];
    for (let i = version - this.varsLogStart; i < this.varsLog.length; i++) {
      const set = this.varsLog[i];
      if (set === null) return undefined;
      for (const name of set) names.push(name);
    }
    return names;
  }
  readonly notified = new Set<string>();
  /** Paths tasks changed (or would change) on this host in this run, e.g. unit files for daemon-reload. */
  readonly changedPaths = new Set<string>();
  /** What each task asked the fact cache for in advance, to forget once it has run. */
  readonly prefetched = new Map<TaskSpec, Array<{ cache: FactCache; requests: FactRequest[] }>>();
  /** Results held until the changes their tasks queued are made (see results.ts). */
  readonly pending: PendingResult[] = [];
  /** A failure nothing rescued, or an unreachable host, ends this host's run; the others go on. */
  get stopped(): boolean {
    return this.hasStopped;
  }
  set stopped(value: boolean) {
    if (value !== this.hasStopped) HostRun.stopChanges++;
    this.hasStopped = value;
  }
  private hasStopped = false;
  /**
   * Counts every change of any host's `stopped`: lists of the hosts still running (play_hosts) are
   * kept until it moves, instead of being filtered again for every task of every host.
   */
  static stopChanges = 0;
  private readonly caches = new Map<string, FactCache>();
  /** The cache facts() found last, and for which connection and user (undefined: the login user). */
  private lastFacts?: { connection: ConnectionSpec; becomeUser: string | undefined; cache: FactCache };

  constructor(
    readonly host: InventoryHost,
    private readonly settings: ConnectionSettings,
    connection: ConnectionSpec = host.connection,
  ) {
    this.connection = connection;
    this.current = this.transportFor(connection);
  }

  get transport(): QueuedTransport {
    return this.current;
  }

  /** Tasks from now on use this connection (opened when first used). Only between plays: nothing may be queued. */
  useConnection(connection: ConnectionSpec): void {
    if (connectionKey(connection) === connectionKey(this.connection)) return;
    this.connection = connection;
    this.current = this.transportFor(connection);
  }

  /** The same host reached another way (a task's remote_user, port or connection): its own transport and facts. */
  variant(connection: ConnectionSpec): HostRun {
    const key = connectionKey(connection);
    if (key === connectionKey(this.connection)) return this;
    let variant = this.variants.get(key);
    if (!variant) this.variants.set(key, (variant = new HostRun(this.host, this.settings, connection)));
    return variant;
  }

  /** Every connection this host's run opened (its variants' too): closed, interrupted and counted together. */
  allTransports(): QueuedTransport[] {
    return [...this.transports.values(), ...[...this.variants.values()].flatMap((v) => v.allTransports())];
  }

  /** Connections and round trips of all of them. */
  get stats(): TransportCounters {
    const sum: TransportCounters = { connections: 0, roundTrips: 0 };
    for (const { stats } of this.allTransports()) {
      sum.connections += stats.connections;
      sum.roundTrips += stats.roundTrips;
      if (stats.reused) sum.reused = (sum.reused ?? 0) + stats.reused;
    }
    return sum;
  }

  private transportFor(connection: ConnectionSpec): QueuedTransport {
    const key = connectionKey(connection);
    let transport = this.transports.get(key);
    if (!transport) this.transports.set(key, (transport = this.open(connection)));
    return transport;
  }

  private open(connection: ConnectionSpec): QueuedTransport {
    const key = openedKey(this.host.name, connection);
    const opened = this.settings.opened?.get(key);
    if (opened) {
      this.settings.opened!.delete(key);
      return opened;
    }
    return openTransport(this.host, this.settings, connection);
  }

  get name(): string {
    return this.host.name;
  }

  /** Facts as seen by one user: a file root may read can be unreadable to the login user. */
  facts(privilege: Privilege): FactCache {
    // The same connection and user as the task before (nearly every task): no key to build.
    const last = this.lastFacts;
    const becomeUser = privilege.become ? (privilege.becomeUser ?? 'root') : undefined;
    if (last && last.connection === this.connection && last.becomeUser === becomeUser) return last.cache;
    const key = `${connectionKey(this.connection)} ${privilege.become ? `become:${privilege.becomeUser ?? 'root'}` : 'login'}`;
    let cache = this.caches.get(key);
    if (!cache) {
      const transport = this.current;
      // Per user too: a checksum root could read must not stand for a file the login user cannot.
      const records = this.connection.local ? undefined : this.settings.fileRecords?.for(this.connection.address, this.connection.port, becomeUser ?? this.connection.user);
      cache = new FactCache(async () => transport, privilege, this.name, this.settings.factTimeoutMs ?? 60_000, records);
      this.caches.set(key, cache);
    }
    this.lastFacts = { connection: this.connection, becomeUser, cache };
    return cache;
  }

  /**
   * Forgets every cached fact. A task on the controller (a local connection) calls this first: the
   * controller is shared by every host whose connection is local, and another host's task may have
   * changed it since.
   */
  forgetFacts(): void {
    this.caches.clear();
    this.lastFacts = undefined;
  }

  /** Each user's view must hear of a change made as another user. */
  allFacts(): FactCache[] {
    return [...this.caches.values()];
  }
}

/** A host's transport for a connection, not yet connected (it connects on first use, or openEarly). */
export function openTransport(host: InventoryHost, settings: ConnectionSettings, connection: ConnectionSpec): QueuedTransport {
  if (connection.local) return new LocalTransport(host.name, settings.becomePassword);
  const loaded = connection.privateKeyFile ? settings.privateKeys?.get(connection.privateKeyFile) : undefined;
  const key: { key?: Buffer; passphrase?: string } = loaded ? ('useAgent' in loaded ? {} : loaded) : { key: connection.privateKeyFile ? readFileSync(connection.privateKeyFile) : defaultKeyOf(settings) };
  return new SshTransport({
    host: host.name,
    address: connection.address,
    port: connection.port,
    user: connection.user,
    privateKey: key.key,
    passphrase: key.passphrase,
    agent: process.env.SSH_AUTH_SOCK,
    knownHostsFile: settings.knownHostsFile,
    acceptNewHostKeys: settings.acceptNewHostKeys,
    connectTimeoutMs: settings.connectTimeoutMs,
    keepaliveMs: settings.keepaliveMs,
    becomePassword: settings.becomePassword,
    log: settings.connectionLog,
    persist: settings.persist,
  });
}

/** The default key, read once per run (its settings), not once per host: 10,000 hosts read it 10,000 times. */
const defaultKeys = new WeakMap<ConnectionSettings, Buffer | null>();
function defaultKeyOf(settings: ConnectionSettings): Buffer | undefined {
  let key = defaultKeys.get(settings);
  if (key === undefined) defaultKeys.set(settings, (key = defaultKey() ?? null));
  return key ?? undefined;
}

function defaultKey(): Buffer | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    try {
      const key = readFileSync(`${homedir()}/.ssh/${name}`);
      // A default key that needs a passphrase is left to ssh-agent, as ssh does without a terminal.
      if (usableWithoutPassphrase(key)) return key;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
