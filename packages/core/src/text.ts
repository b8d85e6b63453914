/**
 * Text that reaches the database must be text: PostgreSQL refuses NUL in text and jsonb, and other C0 control
 * characters (and DEL) have no place in a name, a code or a message. They are refused at the edge, with the path of
 * the field, before anything is read or written.
 */

/** C0 controls except tab, line feed and carriage return; DEL; and lone UTF-16 surrogates (not encodable as UTF-8). */
const FORBIDDEN_SOURCE =
  // eslint-disable-next-line no-control-regex -- these are exactly the characters refused
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const FORBIDDEN = new RegExp(FORBIDDEN_SOURCE.source);
const FORBIDDEN_ALL = new RegExp(FORBIDDEN_SOURCE.source, 'g');

/** The text with every forbidden character replaced by U+FFFD: safe to echo in a message or store in a log. */
export function withoutControlCharacters(text: string): string {
  return text.replace(FORBIDDEN_ALL, '\uFFFD');
}

export interface ControlCharacter {
  /** Where it is: property names and array indexes from the root. */
  path: (string | number)[];
  /** The offending character as U+XXXX. */
  character: string;
}

function describe(text: string): string | undefined {
  const match = FORBIDDEN.exec(text);
  if (!match) return undefined;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first string (value or property name) in a parsed JSON value that holds a control character, or undefined.
 */
export function findControlCharacter(value: unknown, path: (string | number)[] = []): ControlCharacter | undefined {
  if (typeof value === 'string') {
    const character = describe(value);
    return character ? { path, character } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findControlCharacter(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const inKey = describe(key);
      if (inKey) return { path: [...path, key], character: inKey };
      const found = findControlCharacter(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** How deeply a message may nest: the national interface's messages are 3–4 levels deep. */
export const MAX_NESTING = 32;

/**
 * Whether a parsed JSON value nests deeper than `max` (objects and lists), found without recursion: every walk of a
 * message after this one (control characters, digests, logs) may then recurse safely.
 */
export function nestsDeeperThan(value: unknown, max: number = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item as Record<string, unknown>))
      stack.push([child, depth + 1]);
  }
  return false;
}
