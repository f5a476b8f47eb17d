// Terminal colours: the one decision whether output is coloured, and the styles, through node:util
// styleText. Styled text is the plain text when colour is off, byte for byte.
import { styleText } from 'node:util';
import { envString } from '../env.ts';

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

/** One function per style; each returns its text unchanged when colour is off. */
export type Styles = Record<Style, (text: string) => string>;

/**
 * Whether output to `stream` is coloured: FORCE_COLOR decides when set (0 or false: never, any other
 * value: always, as in Node); otherwise only a terminal, and not when NO_COLOR is set (https://no-color.org).
 */
export function colourOn(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = envString('FORCE_COLOR', env);
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true && envString('NO_COLOR', env) === undefined;
}

/** `text` in `style` when `on`, else `text` itself. */
export function style(name: Style, text: string, on: boolean): string {
  // The decision is colourOn's, so styleText must not check the stream again.
  return on ? styleText(name, text, { validateStream: false }) : text;
}

const names: readonly Style[] = ['bold', 'dim', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'gray'];

export function stylesFor(on: boolean): Styles {
  return Object.fromEntries(names.map((name) => [name, (text: string) => style(name, text, on)])) as Styles;
}

/** No colour: every style returns its text. */
export const plainStyles: Styles = stylesFor(false);

/** The styles for output to `stream` (process.stdout by default). */
export function stylesForStream(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): Styles {
  return stylesFor(colourOn(stream, env));
}
