import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.js';
import { normaliseMode } from '../../lib/playbook/args.js';
import { resolveSourceFile } from '../../lib/playbook/files.js';
import { loadPlaybookFile, parsePlaybookText } from '../../lib/playbook/load.js';
import { selectEntries, selectTasks, shouldRun } from '../../lib/playbook/tags.js';
import { flattenEntries } from '../../lib/playbook/types.js';
import { FIXTURES, testRegistry } from './input-fixtures.js';

const FILE = join(FIXTURES, 'inline.yml'); // not on disk: src lookups still use FIXTURES

function load(text: string) {
  return parsePlaybookText(text, FILE, testRegistry);
}

/** A one-task play around `task` (indented under tasks:), for error cases. */
function play(task: string, extra = ''): string {
  return `- hosts: all\n${extra}  tasks:\n${task}`;
}

function assertInputError(text: string, line: number, column: number, message: RegExp) {
  assert.throws(
    () => load(text),
    (e: unknown) => {
      assert.ok(e instanceof InputError, `expected InputError, got ${e}`);
      assert.equal(`${e.location?.file}:${e.location?.line}:${e.location?.column}`, `${FILE}:${line}:${column}`, e.message);
      assert.ok(e.message.startsWith(`${FILE}:${line}:${column}: `), e.message);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('playbook loader', () => {
  describe('play sections', () => {
    it('puts pre_tasks, tasks and post_tasks in order, with a handler flush after each', () => {
      const [parsed] = load('- hosts: all\n  post_tasks:\n    - {name: post, debug: {msg: a}}\n  tasks:\n    - {name: task, debug: {msg: a}}\n  pre_tasks:\n    - {name: pre, debug: {msg: a}}\n');
      const body = parsed.body.map((e) => ('kind' in e ? 'block' : e.implicit ? `(${e.args._raw_params})` : e.name));
      assert.deepEqual(body, ['pre', '(flush_handlers)', 'task', '(flush_handlers)', 'post', '(flush_handlers)']);
      assert.deepEqual(parsed.tasks.map((t) => t.name), ['pre', 'task', 'post'], 'implicit flushes are not listed');
      const selected = flattenEntries(selectEntries(parsed.body, { tags: ['nothing'], skipTags: [] }));
      assert.equal(selected.length, 3, 'implicit flushes run whatever the tags');
    });

    it('import_tasks: a missing file, a loop, a circular import', () => {
      assertInputError(play('    - import_tasks: nowhere.yaml\n'), 3, 21, /import_tasks: file 'nowhere.yaml' not found \(looked for .*nowhere.yaml/);
      assertInputError(play('    - import_tasks: imports/a.yaml\n      loop: [1]\n'), 4, 7, /import_tasks cannot loop/);
      assert.throws(() => load(play('    - import_tasks: imports/a.yaml\n')), /imports\/b.yaml:2:17: import_tasks: circular import of .*a.yaml \(.*a.yaml → .*b.yaml → .*a.yaml\)/);
    });

    it('roles: not found (naming every path searched), a circular dependency', () => {
      assertInputError('- hosts: all\n  roles:\n    - nowhere\n', 3, 7, /role 'nowhere' not found \(looked in .*input\/roles\/nowhere, .*input\/nowhere\)/);
      assert.throws(() => load('- hosts: all\n  roles:\n    - loop1\n'), /loop2\/meta\/main.yml:2:5: circular role dependency: .*loop1 → .*loop2 → .*loop1/);
    });

    it('refuses meta actions it does not carry out', () => {
      assertInputError(play('    - meta: clear_facts\n'), 3, 7, /meta 'clear_facts' is not supported \(supported: flush_handlers, end_play, end_host, noop\)/);
    });
  });

  describe('blocks', () => {
    const text = [
      '- hosts: all',
      '  tags: [p]',
      '  tasks:',
      '    - name: outer',
      '      when: a',
      '      tags: [outer]',
      '      vars: {x: 1, y: 1}',
      '      become: true',
      '      ignore_errors: true',
      '      block:',
      '        - name: one',
      '          debug: {msg: a}',
      '          when: b',
      '          vars: {y: 2}',
      '          become: false',
      '        - block:',
      '            - name: two',
      '              debug: {msg: a}',
      '              tags: [inner]',
      '          rescue:',
      '            - name: three',
      '              debug: {msg: a}',
      '              ignore_errors: false',
      '      always:',
      '        - name: four',
      '          debug: {msg: a}',
      '',
    ].join('\n');
    const [parsed] = load(text);

    it('keeps the tree and flattens it in order', () => {
      assert.equal(parsed.body.filter((e) => 'kind' in e).length, 1);
      assert.deepEqual(parsed.tasks.map((t) => t.name), ['one', 'two', 'three', 'four']);
    });

    it('passes block keywords down as Ansible inherits them', () => {
      const [one, two, three, four] = parsed.tasks;
      assert.deepEqual(one.when, ['a', 'b']);
      assert.deepEqual(one.vars, { x: 1, y: 2 });
      assert.deepEqual([one.become, two.become, four.become], [false, true, true]);
      assert.deepEqual([one.ignoreErrors, three.ignoreErrors, four.ignoreErrors], [true, false, true]);
      assert.deepEqual(two.tags.sort(), ['inner', 'outer', 'p']);
      assert.deepEqual(four.when, ['a']);
    });

    it('selects tasks by tag inside blocks, dropping blocks left empty', () => {
      const select = (tags: string[]) => flattenEntries(selectEntries(parsed.body, { tags, skipTags: [] })).filter((t) => !t.implicit).map((t) => t.name);
      assert.deepEqual(select(['inner']), ['two']);
      assert.deepEqual(select(['outer']), ['one', 'two', 'three', 'four']);
      assert.deepEqual(selectEntries(parsed.body, { tags: ['nothing'], skipTags: [] }).filter((e) => !('kind' in e)).length, 3, 'only the implicit flushes are left');
    });
  });

  describe('the site fixture', () => {
    const [site] = loadPlaybookFile(join(FIXTURES, 'site.yml'), testRegistry);

    it('reads the play', () => {
      assert.equal(site.name, 'Web servers');
      assert.equal(site.hosts, 'web');
      assert.deepEqual(site.tags, ['site']);
      assert.equal(site.gatherFacts, true);
      assert.equal(site.baseDir, FIXTURES);
      assert.deepEqual(site.location, { file: join(FIXTURES, 'site.yml'), line: 1, column: 3 });
    });

    it('lets vars_files override play vars', () => {
      assert.deepEqual(site.vars, { port: 8080, common: true });
    });

    it('reads tasks, normalising modes and applying defaults', () => {
      const [template, copy, command, debug] = site.tasks;
      assert.equal(template.module, 'template');
      assert.deepEqual(template.args, { src: 'nginx.conf.j2', dest: '/etc/nginx/nginx.conf', mode: '0644' });
      assert.deepEqual(template.notify, ['restart nginx']);
      assert.deepEqual(template.tags, ['site']);
      assert.deepEqual(template.location, { file: join(FIXTURES, 'site.yml'), line: 9, column: 7 });
      assert.deepEqual(copy.args, { src: 'motd', dest: '/etc/motd', backup: false, remote_src: false });
      assert.equal(copy.name, 'copy /etc/motd');
      assert.deepEqual(command.args, { _raw_params: 'echo "hello  world"', creates: '/tmp/x' });
      assert.equal(command.name, 'command echo "hello  world"');
      assert.deepEqual(command.tags, ['greet', 'hello', 'site']);
      assert.deepEqual(debug.loop, [1, 2]);
      assert.equal(debug.loopVar, 'n');
      assert.deepEqual(debug.args, { msg: '{{ item }}' });
    });

    it('reads handlers with listen', () => {
      const [handler] = site.handlers;
      assert.equal(handler.name, 'restart nginx');
      assert.deepEqual(handler.args, { name: 'nginx', state: 'restarted' });
      assert.deepEqual(handler.listen, ['web restart']);
    });
  });

  describe('task keywords', () => {
    it('normalises when, tags, notify, conditions and flags', () => {
      const [p] = load(
        play(
          [
            '    - name: t',
            '      debug: {msg: hi}',
            '      when: x',
            '      tags: a, b',
            '      notify: [h]',
            '      changed_when: false',
            '      failed_when: [rc != 0, "\'x\' in out"]',
            '      register: out',
            '      run_once: yes',
            '      ignore_errors: true',
            '      no_log: true',
            '      become: true',
            '      become_user: app',
            '      check_mode: false',
            '      vars: {a: 1}',
            '      with_items: [[1, 2], 3]',
            '  handlers:',
            '    - {name: h, debug: {msg: x}}',
            '',
          ].join('\n'),
          '  become: true\n  become_user: admin\n  gather_facts: false\n',
        ),
      );
      const [t] = p.tasks;
      assert.equal(p.become, true);
      assert.equal(p.becomeUser, 'admin');
      assert.equal(p.gatherFacts, false);
      assert.equal(p.name, 'all');
      assert.deepEqual(t.when, ['x']);
      assert.deepEqual(t.tags, ['a', 'b']);
      assert.deepEqual(t.notify, ['h']);
      assert.equal(t.changedWhen, false);
      assert.deepEqual(t.failedWhen, ['rc != 0', "'x' in out"]);
      assert.equal(t.register, 'out');
      assert.equal(t.runOnce, true);
      assert.equal(t.ignoreErrors, true);
      assert.equal(t.noLog, true);
      assert.equal(t.become, true);
      assert.equal(t.becomeUser, 'app');
      assert.equal(t.checkMode, false);
      assert.deepEqual(t.vars, { a: 1 });
      assert.deepEqual(t.loop, [1, 2, 3]);
      assert.equal(t.loopVar, 'item');
    });

    it('defaults the optional keywords', () => {
      const [t] = load(play('    - debug:\n'))[0].tasks;
      assert.deepEqual({ when: t.when, tags: t.tags, notify: t.notify, runOnce: t.runOnce, noLog: t.noLog, listen: t.listen, loopVar: t.loopVar }, { when: [], tags: [], notify: [], runOnce: false, noLog: false, listen: [], loopVar: 'item' });
      assert.equal(t.register, undefined);
      assert.equal(t.become, undefined);
      assert.equal(t.name, 'debug');
    });

    it('accepts when as a boolean and a list', () => {
      const tasks = load(play('    - {debug: {msg: a}, when: false}\n    - {debug: {msg: a}, when: [a, b]}\n'))[0].tasks;
      assert.deepEqual(tasks[0].when, ['false']);
      assert.deepEqual(tasks[1].when, ['a', 'b']);
    });

    it('keeps a templated loop as a string', () => {
      const [t] = load(play('    - debug: {msg: "{{ item }}"}\n      loop: "{{ users }}"\n'))[0].tasks;
      assert.equal(t.loop, '{{ users }}');
    });
  });

  describe('module arguments', () => {
    const argsOf = (task: string) => load(play(task))[0].tasks[0].args;

    it('parses free-form commands with inline arguments', () => {
      assert.deepEqual(argsOf("    - shell: cat /x | grep 'a b' >/y chdir=/tmp\n"), { _raw_params: "cat /x | grep 'a b' >/y", chdir: '/tmp' });
      assert.deepEqual(argsOf('    - command: creates=/x touch  /x\n'), { _raw_params: 'touch  /x', creates: '/x' });
      assert.deepEqual(argsOf('    - command: echo {{ a }} b=c\n'), { _raw_params: 'echo {{ a }} b=c' });
      assert.deepEqual(argsOf('    - command: ls\n      args: {chdir: /srv}\n'), { _raw_params: 'ls', chdir: '/srv' });
      assert.deepEqual(argsOf('    - command: {cmd: ls}\n'), { _raw_params: 'ls' });
    });

    it('parses key=value strings for other modules, with quotes', () => {
      assert.deepEqual(argsOf('    - copy: dest=/x content="a b c" mode=600\n'), { dest: '/x', content: 'a b c', mode: '0600', backup: false, remote_src: false });
    });

    it('renames aliases to canonical names and converts literal types', () => {
      assert.deepEqual(argsOf('    - file: {dest: /x, state: directory, recurse: "yes"}\n'), { path: '/x', state: 'directory', recurse: true });
      assert.deepEqual(argsOf('    - apt: {pkg: "git,curl", cache_valid_time: "3600"}\n'), { name: ['git', 'curl'], cache_valid_time: 3600 });
    });

    it('reads modes as the octal digits written', () => {
      const modes = ['0644', '644', '0o644', '"0644"', "'755'", '"u+rwx,g-w"', '04755', '"0"'].map((m) => argsOf(`    - file: {path: /x, mode: ${m}}\n`).mode);
      assert.deepEqual(modes, ['0644', '0644', '0644', '0644', '0755', 'u+rwx,g-w', '4755', '0000']);
      assert.equal(normaliseMode(420), '0420');
      assert.equal(normaliseMode(420, '0o644'), '0644');
      assert.equal(normaliseMode('0648'), undefined);
    });

    it('names unnamed tasks after their module and what they work on, never content or a no_log command', () => {
      const [copyTask, shellTask, hiddenShell, hiddenCopy] = load(
        play('    - copy: dest=/x content=s3cr3t owner=app\n    - shell: echo hi\n    - shell: echo s3cr3t\n      no_log: true\n    - copy: {dest: /y, content: s3cr3t}\n      no_log: true\n'),
      )[0].tasks;
      assert.equal(copyTask.name, 'copy /x');
      assert.equal(shellTask.name, 'shell echo hi');
      assert.equal(hiddenShell.name, 'shell');
      assert.equal(hiddenCopy.name, 'copy');
    });

    it('leaves templated values unchecked', () => {
      assert.deepEqual(argsOf('    - file: {path: /x, mode: "{{ m }}", state: "{{ s }}"}\n'), { path: '/x', mode: '{{ m }}', state: '{{ s }}', recurse: false });
    });
  });

  describe('errors point at the offending line', () => {
    it('unknown module or keyword, with a hint', () => {
      assertInputError(play('    - name: x\n      copyy: {dest: /x}\n'), 4, 7, /unknown task keyword or module 'copyy' \(did you mean 'copy'\?\)/);
      assertInputError(play('    - name: x\n      debug: {msg: a}\n      registr: out\n'), 5, 7, /unknown task keyword or module 'registr' \(did you mean 'register'\?\)/);
    });

    it('two modules, or none', () => {
      assertInputError(play('    - name: x\n      debug: {msg: a}\n      command: ls\n'), 5, 7, /two modules, 'debug' and 'command'/);
      assertInputError(play('    - name: x\n      when: y\n'), 3, 7, /task has no module/);
    });

    it('rescue or always without block, and a module in a block', () => {
      assertInputError(play('    - name: x\n      rescue:\n        - debug: {msg: a}\n'), 4, 7, /'rescue' without 'block'/);
      assertInputError(play('    - always:\n        - debug: {msg: a}\n'), 3, 7, /'always' without 'block'/);
      assertInputError(play('    - block:\n        - debug: {msg: a}\n      debug: {msg: b}\n'), 5, 7, /'debug' is not a block keyword/);
    });

    it('unknown argument, with a hint from names and aliases', () => {
      assertInputError(play('    - copy:\n        dets: /x\n        content: a\n'), 4, 9, /unknown argument 'dets' for module 'copy' \(did you mean 'dest'\?\)/);
      assertInputError(play('    - file: {nme: /x}\n'), 3, 14, /unknown argument 'nme' for module 'file' \(did you mean 'name'\?\)/);
      assertInputError(play('    - copy: dest=/x contnt=a\n'), 3, 13, /unknown argument 'contnt'/);
    });

    it('missing required argument', () => {
      assertInputError(play('    - name: x\n      copy: {content: a}\n'), 4, 7, /module 'copy' requires argument 'dest'/);
    });

    it('an argument given twice through an alias', () => {
      assertInputError(play('    - file: {path: /x, dest: /y}\n'), 3, 24, /argument 'path' of module 'file' given twice \(as 'path' and 'dest'\)/);
    });

    it('wrong literal types', () => {
      assertInputError(play('    - file:\n        path: /x\n        mode: [1]\n'), 5, 15, /argument 'mode' of module 'file' must be a file mode/);
      assertInputError(play('    - file: {path: /x, recurse: maybe}\n'), 3, 33, /argument 'recurse' of module 'file' must be a boolean/);
      assertInputError(play('    - apt: {name: git, cache_valid_time: soon}\n'), 3, 42, /must be an integer/);
      assertInputError(play('    - file: {path: [a]}\n'), 3, 20, /argument 'path' of module 'file' must be a string/);
    });

    it('choices violated', () => {
      assertInputError(play('    - file: {path: /x, state: directroy}\n'), 3, 31, /must be one of file, directory, absent, touch, link; got "directroy" \(did you mean 'directory'\?\)/);
    });

    it('the module\'s own validation', () => {
      assertInputError(play('    - name: x\n      copy: {dest: /x}\n'), 4, 7, /copy: one of src or content is required/);
    });

    it('free text for a module that takes key=value', () => {
      assertInputError(play('    - copy: /x /y\n'), 3, 13, /takes key=value arguments or a mapping/);
    });

    it('notify naming no handler', () => {
      const handlers = '  handlers:\n    - name: restart app\n      debug: {msg: a}\n      listen: app changed\n';
      assertInputError(play('    - debug: {msg: a}\n      notify: restart ap\n' + handlers), 4, 7, /notify 'restart ap' names no handler of this play \(did you mean 'restart app'\?\)/);
      assert.doesNotThrow(() => load(play('    - debug: {msg: a}\n      notify: [restart app, app changed]\n' + handlers)));
    });

    it('missing template and copy sources', () => {
      assertInputError(play('    - template: {src: missing.j2, dest: /x}\n'), 3, 23, /template source 'missing\.j2' not found \(looked for .*templates\/missing\.j2, .*input\/missing\.j2\)/);
      assertInputError(play('    - copy: src=nothing dest=/x\n'), 3, 13, /copy source 'nothing' not found/);
      assert.doesNotThrow(() => load(play('    - copy: {src: "{{ f }}", dest: /x}\n    - copy: {src: /remote, dest: /x, remote_src: true}\n    - template: {src: templates/nginx.conf.j2, dest: /x}\n')));
    });

    it('listen outside handlers, bad loop_control, both loops', () => {
      assertInputError(play('    - debug: {msg: a}\n      listen: x\n'), 4, 7, /'listen' is only for handlers/);
      assertInputError(play('    - debug: {msg: a}\n      loop_control: {pause: 1}\n'), 4, 22, /unsupported loop_control 'pause'/);
      assertInputError(play('    - debug: {msg: a}\n      loop: [1]\n      with_items: [2]\n'), 5, 7, /use one of loop, with_items or with_<lookup>, not loop and with_items/);
      assertInputError(play('    - debug: {msg: a}\n      register: 1x\n'), 4, 7, /register must be a variable name/);
      assertInputError(play('    - debug: {msg: a}\n      ignore_errors: sometimes\n'), 4, 7, /ignore_errors must be true or false/);
    });

    it('play-level mistakes', () => {
      assertInputError('- hosts: all\n  tsks: []\n', 2, 3, /unknown play keyword 'tsks' \(did you mean 'tasks'\?\)/);
      assertInputError('- name: x\n  tasks: []\n', 1, 3, /play has no 'hosts'/);
      assertInputError('- hosts: all\n  include_playbook: other.yml\n', 2, 3, /'include_playbook' is not supported/);
      assertInputError('hosts: all\n', 1, 1, /a playbook must be a list of plays/);
      assertInputError('- hosts: all\n  tasks: {debug: {}}\n', 2, 3, /tasks must be a list/);
      assertInputError('- hosts: all\n  vars_files: [vars/none.yml]\n', 2, 16, /vars\/none\.yml: no such file/);
      assertInputError('- hosts: all\n  tasks:\n    - debug: [a\n', 4, 1, /invalid YAML/);
    });
  });

  describe('play, block and task keywords of Ansible 2.14', () => {
    it('connection keywords: kept on the play, inherited by tasks from blocks; bad values refused', () => {
      const [parsed] = load('- hosts: all\n  remote_user: deploy\n  port: 2222\n  connection: local\n  tasks:\n    - block:\n        - {name: inner, debug: {msg: a}}\n      remote_user: other\n      connection: ssh\n    - {name: own, debug: {msg: a}, port: "{{ p }}"}\n');
      assert.deepEqual([parsed.remoteUser, parsed.port, parsed.connection], ['deploy', 2222, 'local']);
      const [inner, own] = parsed.tasks;
      assert.deepEqual([inner.remoteUser, inner.connection, inner.port], ['other', 'ssh', undefined], 'the play\'s stay on the play');
      assert.deepEqual([own.remoteUser, own.port], [undefined, '{{ p }}']);
      assertInputError('- hosts: all\n  connection: paramiko\n  tasks: []\n', 2, 3, /connection "paramiko" is not supported: runbook connects with ssh or local/);
      assertInputError('- hosts: all\n  port: 70000\n  tasks: []\n', 2, 3, /port must be a port number between 1 and 65535/);
    });

    it('environment: play, block and task mappings, outermost first; a bad one refused', () => {
      const [parsed] = load('- hosts: all\n  environment: {A: play}\n  tasks:\n    - environment: {B: block}\n      block:\n        - {name: t, command: env, environment: "{{ more }}"}\n');
      assert.deepEqual(parsed.tasks[0].environment, [{ A: 'play' }, { B: 'block' }, '{{ more }}']);
      assertInputError(play('    - command: env\n      environment: [A]\n'), 4, 7, /environment must be a mapping of variable names/);
      assertInputError(play('    - command: env\n      environment: {"1A": x}\n'), 4, 21, /environment variable name '1A' is not valid/);
    });

    it('module_defaults: merged under the task\'s own arguments, by short or full module name; action groups refused', () => {
      const [parsed] = load('- hosts: all\n  module_defaults:\n    ansible.builtin.copy: {mode: "0600", owner: root}\n  tasks:\n    - {name: t, copy: {dest: /x, content: a, mode: "0644"}}\n    - {name: u, debug: {msg: a}}\n');
      assert.deepEqual([parsed.tasks[0].args.mode, parsed.tasks[0].args.owner], ['0644', 'root']);
      assert.equal(parsed.tasks[1].args.mode, undefined);
      assertInputError('- hosts: all\n  module_defaults:\n    group/aws: {region: x}\n  tasks: []\n', 3, 5, /module_defaults for action groups \('group\/aws'\) are not supported/);
    });

    it('vars_prompt: entries with names and flags; encrypt and unknown keys refused at their line', () => {
      const [parsed] = load('- hosts: all\n  vars_files: []\n  vars_prompt:\n    - name: v\n      prompt: Version?\n      default: "1"\n      private: no\n    - name: t\n      confirm: yes\n  tasks: []\n');
      assert.deepEqual(parsed.varsPrompt?.map(({ name, prompt, default: fallback, private: hidden, confirm, shadowed }) => ({ name, prompt, fallback, hidden, confirm, shadowed })), [
        { name: 'v', prompt: 'Version?', fallback: '1', hidden: false, confirm: false, shadowed: false },
        { name: 't', prompt: undefined, fallback: undefined, hidden: true, confirm: true, shadowed: false },
      ]);
      assertInputError('- hosts: all\n  vars_prompt:\n    - name: p\n      encrypt: sha512_crypt\n  tasks: []\n', 4, 7, /vars_prompt 'encrypt' is not supported yet/);
      assertInputError('- hosts: all\n  vars_prompt:\n    - name: p\n      promt: x\n  tasks: []\n', 4, 7, /unknown vars_prompt key 'promt' \(did you mean 'prompt'\?\)/);
      assertInputError('- hosts: all\n  vars_prompt:\n    - prompt: x\n  tasks: []\n', 3, 7, /a vars_prompt entry needs a name/);
    });

    it('every other Ansible keyword is refused by name, at its line', () => {
      assertInputError('- hosts: all\n  force_handlers: true\n  tasks: []\n', 2, 3, /'force_handlers' is not supported/);
      assertInputError('- hosts: all\n  debugger: on_failed\n  tasks: []\n', 2, 3, /'debugger' is an Ansible keyword runbook does not support on a play/);
      assertInputError('- hosts: all\n  order: shuffle\n  tasks: []\n', 2, 3, /order "shuffle" is not supported/);
      assertInputError('- hosts: all\n  become_method: su\n  tasks: []\n', 2, 3, /become_method "su" is not supported/);
      assertInputError(play('    - block: [{debug: {msg: a}}]\n      delegate_to: x\n'), 4, 7, /'delegate_to' is an Ansible keyword runbook does not support on a block/);
      assertInputError(play('    - debug: {msg: a}\n      diff: false\n'), 4, 7, /'diff' is an Ansible keyword runbook does not support/);
      assertInputError(play('    - debug: {msg: a}\n      with_fileglob: [x]\n'), 4, 7, /'with_fileglob' is not supported: runbook has no lookup 'fileglob'/);
    });

    it('action: is the module it names; index_var and extended are loop_control keys', () => {
      const [parsed] = load(play('    - action: debug msg=hi\n      loop: [1]\n      loop_control: {index_var: i, extended: true}\n'));
      assert.deepEqual([parsed.tasks[0].module, parsed.tasks[0].indexVar, parsed.tasks[0].loopExtended], ['debug', 'i', true]);
    });
  });

  it('exposes source lookup for modules', () => {
    assert.equal(resolveSourceFile(FIXTURES, 'template', 'nginx.conf.j2'), join(FIXTURES, 'templates/nginx.conf.j2'));
    assert.equal(resolveSourceFile(FIXTURES, 'copy', 'motd'), join(FIXTURES, 'files/motd'));
    assert.equal(resolveSourceFile(FIXTURES, 'copy', 'site.yml'), join(FIXTURES, 'site.yml'));
    assert.equal(resolveSourceFile(FIXTURES, 'template', 'motd'), undefined);
  });
});

describe('tag selection', () => {
  const tasks = [
    { name: 'plain', tags: [] },
    { name: 'web', tags: ['web'] },
    { name: 'db', tags: ['db'] },
    { name: 'always', tags: ['always'] },
    { name: 'never', tags: ['never'] },
    { name: 'debug-only', tags: ['never', 'debug'] },
    { name: 'web-always', tags: ['web', 'always'] },
  ];
  const run = (tags: string[], skipTags: string[] = []) => selectTasks(tasks, { tags, skipTags }).map((t) => t.name);

  it('runs everything but never without --tags', () => {
    assert.deepEqual(run([]), ['plain', 'web', 'db', 'always', 'web-always']);
  });

  it('runs the named tags plus always', () => {
    assert.deepEqual(run(['web']), ['web', 'always', 'web-always']);
    assert.deepEqual(run(['debug']), ['always', 'debug-only', 'web-always']);
    assert.deepEqual(run(['never']), ['always', 'never', 'debug-only', 'web-always']);
  });

  it('understands tagged and untagged', () => {
    assert.deepEqual(run(['untagged']), ['plain', 'always', 'web-always']);
    assert.deepEqual(run(['tagged']), ['web', 'db', 'always', 'web-always']);
    assert.deepEqual(run([], ['tagged']), ['plain']);
    assert.deepEqual(run([], ['untagged']), ['web', 'db', 'always', 'web-always']);
  });

  it('skips tags, always included only when named', () => {
    assert.deepEqual(run([], ['web']), ['plain', 'db', 'always']);
    assert.deepEqual(run([], ['always']), ['plain', 'web', 'db']);
    assert.deepEqual(run([], ['all']), ['always', 'web-always']);
    assert.deepEqual(run([], ['all', 'always']), []);
    assert.deepEqual(run(['web', 'db'], ['db']), ['web', 'always', 'web-always']);
  });

  it('all in --tags behaves like no --tags', () => {
    assert.deepEqual(run(['all']), run([]));
    assert.equal(shouldRun(['never'], { tags: ['all'], skipTags: [] }), false);
  });
});
