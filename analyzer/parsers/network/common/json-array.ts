import type { Json } from './json-value.js';
import type { RowSink } from './row-sink.js';

/**
 * Reads the top-level JSON array(s) that `ip -j` and `bridge -j` print, tolerating damage: when
 * the whole text is not valid JSON (cut by the size cap, an old iproute2 JSON bug in one object),
 * each element is cut out and parsed on its own, so every complete element before the damage
 * still counts. What is lost is reported to the sink. Several arrays one after another (some
 * iproute2 versions print one per netlink dump) are read as one.
 */
export function readJsonArray(text: string, sink: RowSink): Json[] {
  try {
    const whole = JSON.parse(text) as Json;
    if (Array.isArray(whole)) return whole;
    sink.error(null, 'JSON output is not an array');
    return [];
  } catch {
    return splitTopLevel(text, sink);
  }
}

const enum Ch {
  Quote = 34,
  Backslash = 92,
  Comma = 44,
  OpenBracket = 91,
  CloseBracket = 93,
  OpenBrace = 123,
  CloseBrace = 125,
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/** Index just past the element starting at `start` (depth back to 0), or -1 when the text ends first. */
function elementEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === Ch.Backslash) i++;
      else if (c === Ch.Quote) {
        inString = false;
        if (depth === 0) return i + 1;
      }
      continue;
    }
    if (c === Ch.Quote) inString = true;
    else if (c === Ch.OpenBrace || c === Ch.OpenBracket) depth++;
    else if (c === Ch.CloseBrace || c === Ch.CloseBracket) {
      if (depth === 0) return i; // a scalar ended by the array's ']'
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === Ch.Comma || isBlank(c))) {
      return i; // end of a scalar element
    }
  }
  return -1;
}

function splitTopLevel(text: string, sink: RowSink): Json[] {
  const items: Json[] = [];
  let i = 0;
  const skipBlank = () => {
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  };
  skipBlank();
  if (text.charCodeAt(i) !== Ch.OpenBracket) {
    sink.error(null, 'JSON output does not start with an array');
    return items;
  }
  let index = 0;
  while (i < text.length) {
    // inside an array: i is just past '[' or past an element
    i++;
    for (;;) {
      skipBlank();
      if (i >= text.length) {
        sink.error(null, `JSON output ends inside the array after ${items.length} complete element(s): it was cut off`);
        return items;
      }
      const c = text.charCodeAt(i);
      if (c === Ch.Comma) {
        i++;
        continue;
      }
      if (c === Ch.CloseBracket) {
        i++;
        break;
      }
      const end = elementEnd(text, i);
      if (end < 0) {
        sink.error(null, `JSON element ${index + 1} is cut off at the end of the output (${items.length} complete element(s) before it were read)`);
        return items;
      }
      const slice = text.slice(i, end);
      try {
        items.push(JSON.parse(slice) as Json);
      } catch (e) {
        sink.error(null, `JSON element ${index + 1} is malformed: ${(e as Error).message}; starts with ${JSON.stringify(slice.slice(0, 80))}`);
      }
      index++;
      i = end;
    }
    skipBlank();
    if (i >= text.length) break;
    if (text.charCodeAt(i) !== Ch.OpenBracket) {
      sink.error(null, `unexpected text after the JSON array: ${JSON.stringify(text.slice(i, i + 80))}`);
      break;
    }
  }
  return items;
}
