import { InputError, formatLocation } from '../errors.js';
import type { PlaySpec } from '../playbook/types.js';
import { renderValue } from '../template/index.js';
import { pyStr } from '../template/python.js';
import { markSecret } from '../vault/redact.js';

/** How answers are read: on a terminal, hidden (private) or echoed. */
export interface Asker {
  hidden(question: string): Promise<string>;
  visible(question: string): Promise<string>;
}

/**
 * vars_prompt, as ansible-playbook's do_var_prompt: a variable given with -e is not asked; the
 * question is `prompt [default]: `; an empty answer takes the default; `confirm` asks twice until
 * both match; the answer becomes a play variable (below vars_files, as Ansible). Unlike Ansible,
 * every play's questions are asked before any host is touched, a private answer is a secret in
 * all output, and without a terminal a question with no default is an error (Ansible goes on
 * with the text 'None').
 *
 * `ask` undefined: nothing is asked (no terminal, or a listing): defaults are taken.
 */
export async function askVarsPrompts(plays: PlaySpec[], extraVars: Record<string, unknown>, ask: Asker | undefined, options: { listing: boolean; warn(message: string): void }): Promise<PromptAnswer[]> {
  const answers: PromptAnswer[] = [];
  for (const [index, play] of plays.entries()) {
    for (const question of play.varsPrompt ?? []) {
      if (question.name in extraVars) continue;
      const vars = { ...play.vars, ...extraVars };
      const origin = { what: `vars_prompt '${question.name}'`, location: question.location };
      const prompt = question.prompt === undefined ? undefined : pyStr(renderValue(question.prompt, vars, origin));
      const fallback = question.default === undefined ? undefined : pyStr(renderValue(question.default, vars, origin));
      let answer: string | undefined;
      if (ask && !options.listing) {
        const message = prompt !== undefined && fallback !== undefined ? `${prompt} [${fallback}]: ` : prompt !== undefined ? `${prompt}: ` : `input for ${question.name}: `;
        const read = question.private ? ask.hidden : ask.visible;
        for (;;) {
          answer = await read(message);
          if (!question.confirm || (await read(`confirm ${message}`)) === answer) break;
          process.stderr.write('***** VALUES ENTERED DO NOT MATCH ****\n');
        }
      } else if (!options.listing) {
        if (fallback === undefined) {
          throw new InputError(`vars_prompt '${question.name}' has no default and stdin is not a terminal to ask on: pass it with -e ${question.name}=...`, question.location);
        }
        options.warn(`vars_prompt '${question.name}' (${formatLocation(question.location)}): not prompting as stdin is not a terminal; its default is used`);
      }
      answers.push({ play: index, name: question.name, value: answer ? answer : (fallback ?? ''), secret: question.private });
    }
  }
  applyPromptAnswers(plays, answers);
  return answers;
}

/** One answer, for the play at `play` (its index in the loaded plays): what worker threads are given. */
export interface PromptAnswer {
  play: number;
  name: string;
  value: string;
  secret: boolean;
}

/** The answers become play variables (unless vars_files has the name); private ones are secrets. */
export function applyPromptAnswers(plays: PlaySpec[], answers: PromptAnswer[]): void {
  for (const answer of answers) {
    if (answer.secret) markSecret(answer.value);
    const question = plays[answer.play]?.varsPrompt?.find((q) => q.name === answer.name);
    if (question && !question.shadowed) plays[answer.play].vars[answer.name] = answer.value;
  }
}
