/** One sh word that stands for `text` exactly, whatever bytes it holds: '...' with ' written '\''. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The words of an argv, each quoted, joined by spaces (for `eval "set -- $words"`). */
export function shWords(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}

/**
 * A heredoc that writes `body` to the file named by the sh word `target` (stdout when empty). The delimiter is chosen
 * so that no line of the body equals it; the body is kept byte for byte (quoted delimiter: no
 * expansion), and must end with a newline.
 */
export function shHeredoc(target: string, body: string, delimiterBase: string): string {
  if (!body.endsWith('\n')) throw new Error('heredoc body must end with a newline');
  const lines = new Set(body.split('\n'));
  let delimiter = delimiterBase;
  for (let n = 1; lines.has(delimiter); n++) delimiter = `${delimiterBase}_${n}`;
  return `cat${target ? ` >${target}` : ''} <<'${delimiter}'\n${body}${delimiter}\n`;
}
