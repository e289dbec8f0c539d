/**
 * Minimal ANSI styling. Kept in-house (rather than a colour library) so that the
 * on/off decision is explicit per reporter: plain and json output must stay free of
 * escape codes even when a library would guess otherwise from the environment.
 */

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

export interface Palette {
  readonly enabled: boolean;
  paint(style: Style, text: string): string;
}

export function createPalette(enabled: boolean): Palette {
  return {
    enabled,
    paint: (style, text) => {
      if (!enabled || text === '') return text;
      const [open, close] = CODES[style];
      return `\u001b[${open}m${text}\u001b[${close}m`;
    },
  };
}

export const NO_COLOR: Palette = createPalette(false);

/** FORCE_COLOR follows the common convention: set and not '0'/'false' means on. */
export function colorForcedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.FORCE_COLOR;
  return value !== undefined && value !== '0' && value !== 'false';
}

/** On a terminal colour is the default; NO_COLOR (no-color.org) turns it off. */
export function colorWantedOnTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
  if (colorForcedByEnv(env)) return true;
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
