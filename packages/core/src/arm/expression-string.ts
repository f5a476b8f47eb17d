// String literals of ARM's template expression language ('text', a doubled '' standing for one
// quote), read the same way by the emulator's output expressions and Azure Policy rule expressions.

/** Reads the literal whose opening quote is at `start`: its text and the index after its closing quote; undefined when unterminated. */
export function readQuotedString(source: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  let i = start + 1;
  while (i < source.length) {
    if (source[i] !== "'") text += source[i++];
    else if (source[i + 1] === "'") {
      text += "'";
      i += 2;
    } else return { text, end: i + 1 };
  }
  return undefined;
}
