import type { Options } from 'yargs';

/**
 * The flags of `runbook apply` (and those `run`, `inventory` and `vault` share) as data: yargs is
 * built from these tables (main.ts), and so is the fast reading of a plain `runbook apply`
 * command line (simple-args.ts), so the two cannot drift apart.
 */

/** ansible-playbook's vault flags, shared by apply, run, inventory and vault. */
export const VAULT_OPTIONS = {
  'vault-password-file': { alias: 'vault-pass-file', type: 'string', array: true, nargs: 1, describe: 'File holding the vault password (an executable file is run and its output used)' },
  'ask-vault-pass': { alias: 'J', type: 'boolean', default: false, describe: 'Ask for the vault password' },
  'vault-id': { type: 'string', array: true, nargs: 1, describe: 'Vault identity to use: id@file, id@prompt, or file' },
} satisfies Record<string, Options>;

/** The flags `apply` and `run` share: ansible-playbook's and ansible's names, runbook's as synonyms. */
export const CONNECTION_OPTIONS = {
  inventory: { alias: ['i', 'inventory-file'], type: 'string', array: true, nargs: 1, describe: 'Inventory file (repeatable: the sources are merged)' },
  limit: { alias: 'l', type: 'string', describe: "Restrict to hosts matching a pattern: names, groups, globs, '!excluded', 'a,b'" },
  forks: { alias: 'f', type: 'string', describe: 'Hosts worked on at once (default 100; ansible.cfg forks)' },
  'extra-vars': { alias: 'e', type: 'string', array: true, nargs: 1, default: [], describe: 'key=value, @vars.yaml or a JSON object; highest precedence' },
  'dry-run': { alias: ['check', 'C'], type: 'boolean', default: false, describe: 'Change nothing; report exactly what would change on every host' },
  diff: { alias: 'D', type: 'boolean', default: false, describe: 'Show unified diffs of content and owner/mode changes (secrets as checksums)' },
  output: { alias: 'o', choices: ['tty', 'plain', 'json'] as const, describe: 'Output style (default: tty on a terminal, else plain)' },
  color: { type: 'boolean', describe: 'Colour on or off (--no-color); default: on a terminal unless NO_COLOR is set' },
  verbose: { alias: 'v', type: 'count', describe: '-v each task result with stdout/stderr/rc; -vvv connection details too' },
  user: { alias: 'u', type: 'string', describe: 'Login user for hosts without ansible_user (ansible.cfg remote_user)' },
  'private-key': { alias: 'key-file', type: 'string', describe: 'Key file for hosts without ansible_ssh_private_key_file' },
  become: { alias: 'b', type: 'boolean', describe: 'Run tasks through sudo, unless a host, play or task says otherwise' },
  'become-user': { type: 'string', describe: 'User to become (default root)' },
  'become-method': { type: 'string', describe: 'Only sudo' },
  'ask-become-pass': { alias: 'K', type: 'boolean', describe: "Ask for sudo's password on the terminal" },
  'become-password-file': { type: 'string', describe: "File holding sudo's password" },
  connection: { alias: 'c', type: 'string', describe: 'Only ssh' },
  'known-hosts': { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts)' },
  'accept-new-host-keys': { type: 'boolean', describe: 'Trust and record keys of hosts not yet known (a changed key is always refused); ansible.cfg host_key_checking = False does the same' },
  'connect-timeout': { alias: ['timeout', 'T'], type: 'string', describe: 'Seconds to wait for a host to answer (default 10; ansible.cfg timeout)' },
  persist: { type: 'string', describe: "Keep each host's SSH connection this many seconds after the run, for the next run to reuse (a connection keeper process holds them; 0: off, the default; ansible.cfg ssh_args ControlPersist=60s does the same)" },
  keepalive: { type: 'string', describe: 'Seconds a connected host may stay silent before it is unreachable (default 15)' },
  'fact-timeout': { type: 'string', describe: "Seconds a host may take to answer a fact probe (default 60); longer fails the host's task" },
  'flush-cache': { type: 'boolean', describe: 'Accepted for ansible-playbook compatibility: runbook keeps no fact cache between runs' },
} satisfies Record<string, Options>;

/** `runbook apply`'s positional: the inventory (unless -i names one) and the playbooks. */
export const APPLY_FILES = { type: 'string', array: true, describe: 'INVENTORY (unless -i names one) then playbook files, run in the order given as one run' } satisfies Options;

/** `runbook apply`'s own flags, after the connection flags. */
export const APPLY_OPTIONS = {
  tags: { alias: 't', type: 'string', array: true, nargs: 1, default: [], describe: 'Run only tasks with these tags (comma lists allowed)' },
  'skip-tags': { type: 'string', array: true, nargs: 1, default: [], describe: 'Skip tasks with these tags' },
  'list-hosts': { type: 'boolean', default: false, describe: 'List the hosts each play would run on, then stop' },
  'list-tasks': { type: 'boolean', default: false, describe: 'List the tasks the tag selection runs, then stop' },
  strategy: { choices: ['linear', 'free'] as const, describe: 'For plays without strategy: linear (each task on every host before the next; default) or free (each host runs ahead)' },
  'task-timeout': { type: 'number', default: 0, describe: 'Seconds any task may take unless it sets timeout: (its remote command is killed); 0: no limit' },
  'list-tags': { type: 'boolean', default: false, describe: 'List the tags of each play, then stop' },
  'syntax-check': { type: 'boolean', default: false, describe: 'Load and check the playbooks, then stop (no host contacted)' },
  'start-at-task': { type: 'string', describe: 'Start at the first task with this name (or glob); earlier tasks do not run' },
  shard: { type: 'string', describe: 'Run shard I of N (e.g. 2/4): a stable slice of the hosts by name; merge the shards with runbook recap' },
  'shard-by': { type: 'string', describe: 'With --shard: keep the hosts of a group together (a group name or glob, e.g. cluster_*)' },
  workers: { type: 'string', describe: 'Spread the hosts over N threads (1: one thread); default: one per core once there are enough hosts, unless a play needs every host in one thread' },
} satisfies Record<string, Options>;
