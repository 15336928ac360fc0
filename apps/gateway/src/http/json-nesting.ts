const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text opens more than `limit` arrays or objects inside one another, read before the
 * text is parsed. Brackets inside strings do not count. Strings are skipped with `indexOf`, not
 * read a character at a time: an agent's request is mostly the text of its conversation, so this
 * costs a fraction of the parse rather than a large share of it.
 */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) i = closingQuote(text, i + 1);
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** Where the string whose text starts at `start` ends: its closing quote, or the end of `text`. */
function closingQuote(text: string, start: number): number {
  for (let from = start; ;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    // A quote after an odd run of backslashes is escaped (`\"`); after an even one (`\\"`) it
    // closes the string. The run cannot reach back past `from`: the text there is a quote.
    let backslashes = 0;
    while (
      quote - backslashes - 1 >= from &&
      text.charCodeAt(quote - backslashes - 1) === BACKSLASH
    ) {
      backslashes++;
    }
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}
