/**
 * The reversible encoding that turns a model name into one NATS subject token.
 *
 * Model names contain `.`, `:` and `/` and may contain anything a user types, while a NATS
 * subject token may not contain `.` or whitespace and must not be `*` or `>`. The encoding keeps
 * ASCII letters, digits and `-` as they are, so `llama3` stays `llama3`, and escapes every other
 * UTF-16 code unit with `_`:
 *
 * - a code unit below 0x80 becomes `_` and two upper-case hex digits (`.` → `_2E`, `:` → `_3A`,
 *   `/` → `_2F`, `_` → `_5F`);
 * - any other code unit becomes `_u` and four upper-case hex digits (`é` → `_u00E9`).
 *
 * Escaping code units rather than UTF-8 bytes keeps the encoding total over every JavaScript
 * string, lone surrogates included. The empty name encodes as a single `_`, which no other name
 * can produce. Decoding accepts only the exact form the encoder writes, so every token has at
 * most one name and every name exactly one token.
 */

const PLAIN = /^[A-Za-z0-9-]$/;
const ESCAPE = '_';
const EMPTY_TOKEN = '_';

export function encodeModelToken(name: string): string {
  if (name.length === 0) return EMPTY_TOKEN;
  let token = '';
  for (let i = 0; i < name.length; i++) {
    const char = name[i] as string;
    if (PLAIN.test(char)) {
      token += char;
      continue;
    }
    const unit = name.charCodeAt(i);
    token += unit < 0x80 ? ESCAPE + hex(unit, 2) : ESCAPE + 'u' + hex(unit, 4);
  }
  return token;
}

/** The model name a token stands for; throws `RangeError` for a string the encoder cannot produce. */
export function decodeModelToken(token: string): string {
  if (token === EMPTY_TOKEN) return '';
  if (token.length === 0) throw new RangeError('an empty string is not a model token');
  let name = '';
  let i = 0;
  while (i < token.length) {
    const char = token[i] as string;
    if (PLAIN.test(char)) {
      name += char;
      i += 1;
      continue;
    }
    if (char !== ESCAPE) throw invalidToken(token, i);
    const wide = token[i + 1] === 'u';
    const digits = wide ? token.slice(i + 2, i + 6) : token.slice(i + 1, i + 3);
    const width = wide ? 4 : 2;
    if (!/^[0-9A-F]+$/.test(digits) || digits.length !== width) throw invalidToken(token, i);
    const unit = Number.parseInt(digits, 16);
    const decoded = String.fromCharCode(unit);
    // Reject forms the encoder never writes, so that decoding stays one-to-one.
    if (wide ? unit < 0x80 : PLAIN.test(decoded)) throw invalidToken(token, i);
    name += decoded;
    i += wide ? 6 : 3;
  }
  return name;
}

/** Whether a string is a token the encoder could have produced. */
export function isModelToken(token: string): boolean {
  try {
    decodeModelToken(token);
    return true;
  } catch {
    return false;
  }
}

function hex(value: number, width: number): string {
  return value.toString(16).toUpperCase().padStart(width, '0');
}

function invalidToken(token: string, at: number): RangeError {
  return new RangeError(`"${token}" is not a model token: unexpected text at position ${at}`);
}
