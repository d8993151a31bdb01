/**
 * Rule descriptions and remediations are written as YAML block text: prose wrapped at ~100
 * columns, commands indented. For the report, prose lines are joined into paragraphs (they
 * reflow with the page) and indented lines stay verbatim command blocks.
 */
import type { TextBlock } from './view-types.js';

export function textBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let prose: string[] = [];
  let code: string[] = [];
  const flushProse = () => {
    if (prose.length) blocks.push({ code: false, text: prose.join(' ') });
    prose = [];
  };
  const flushCode = () => {
    if (!code.length) return;
    const indent = Math.min(...code.filter((l) => l.trim()).map((l) => (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length));
    blocks.push({ code: true, text: code.map((l) => l.slice(indent)).join('\n').replace(/\s+$/, '') });
    code = [];
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') {
      flushProse();
      flushCode();
    } else if (/^[ \t]/.test(line)) {
      flushProse();
      code.push(line);
    } else {
      flushCode();
      prose.push(line.trim());
    }
  }
  flushProse();
  flushCode();
  return blocks;
}
