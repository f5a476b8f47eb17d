// Points at the first character of a name outside its allowed set: position, the character and its
// code point, so a look-alike (Cyrillic "е" for Latin "e", a no-break space) is visible in the message.

const scripts: [number, number, string][] = [
  [0x0000, 0x001f, 'a control character'],
  [0x007f, 0x009f, 'a control character'],
  [0x00a0, 0x00a0, 'a no-break space'],
  [0x0080, 0x024f, 'a Latin letter with accent or a Latin-1 symbol'],
  [0x0370, 0x03ff, 'Greek'],
  [0x0400, 0x052f, 'Cyrillic'],
  [0x2000, 0x200a, 'a Unicode space'],
  [0x200b, 0x200f, 'an invisible formatting character'],
  [0x2010, 0x2015, 'a Unicode dash'],
  [0x2028, 0x202f, 'a Unicode separator or space'],
  [0x2060, 0x206f, 'an invisible formatting character'],
  [0xfe00, 0xfe0f, 'a variation selector'],
  [0xfeff, 0xfeff, 'a byte order mark (zero-width no-break space)'],
  [0xff00, 0xffef, 'a full-width form'],
];

/** `"е" (U+0435, Cyrillic)`: the character as JSON shows it, its code point and, when known, what it is. */
export function describeCharacter(character: string): string {
  const code = character.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = scripts.find(([from, to]) => code >= from && code <= to)?.[2];
  return `${JSON.stringify(character)} (${hex}${kind === undefined ? '' : `, ${kind}`})`;
}

/** The first character (by code point) that `allowed` refuses, with its 1-based position; undefined when all pass. */
export function firstOutside(value: string, allowed: (character: string) => boolean): { position: number; character: string } | undefined {
  const characters = [...value];
  const index = characters.findIndex((character) => !allowed(character));
  return index < 0 ? undefined : { position: index + 1, character: characters[index]! };
}

/** `"е" (U+0435, Cyrillic) at position 9` for the first character `allowed` refuses, or undefined when every character is allowed. */
export function pinpointCharacter(value: string, allowed: (character: string) => boolean): string | undefined {
  const found = firstOutside(value, allowed);
  return found === undefined ? undefined : `${describeCharacter(found.character)} at position ${found.position}`;
}

/** Printable ASCII: every name and setting of the registry is written in it, so anything else is pointed at. */
export const printableAscii = (character: string): boolean => /^[\x20-\x7e]$/.test(character);
