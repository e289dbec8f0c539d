export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number;
}

export interface Privilege {
  become: boolean;
  becomeUser?: string; // default root
}

export interface ExecOptions extends Privilege {
  stdin?: Buffer | string;
  cwd?: string;
}

export interface FileWriteOptions extends Privilege {
  mode?: string; // octal, e.g. '0644'; default keeps the existing mode, else 0644 (0600 under umask 077 never applies: explicit chmod)
  owner?: string;
  group?: string;
}

/** Counters for structural guards: connections and round trips per host. */
export interface TransportStats {
  connections: number;
  roundTrips: number;
}

/**
 * The only way modules and the engine reach a host. Implemented over one ssh2
 * connection per host; every method is one round trip.
 */
export interface HostTransport {
  readonly host: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Atomic: temp file in the same directory, owner and mode set, then rename. */
  writeFile(path: string, content: Buffer, options: FileWriteOptions): Promise<void>;
  readFile(path: string, options?: Privilege): Promise<Buffer>;
  readonly stats: TransportStats;
  close(): Promise<void>;
}
