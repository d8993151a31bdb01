/**
 * `ipset save`. Verbatim sample (ipset v7.17):
 *
 *   create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536 comment bucketsize 12 initval 0x5a6b5e87
 *   add KUBE-CLUSTER-IP 10.96.0.1,tcp:443 comment "default/kubernetes:https"
 *   add KUBE-LOOP-BACK 10.244.1.7,tcp:80,10.244.1.7 timeout 300 packets 12 bytes 720
 *
 * ipset 4.x (CentOS 6) saved the restore syntax of its day: `-N NAME TYPE --opt value` and
 * `-A NAME MEMBER`, closed by COMMIT; both forms are read.
 */
import type { ParseContext, Row, Rows, TextParser } from '../types.js';
import { RowSink, excerpt, exactInteger, splitLines } from './common/text.js';
import { tokenizeSaveLine } from './common/save-tokens.js';

/** Create options that take a value; every other word of a create line is a flag. */
const CREATE_VALUE_OPTIONS = new Set([
  'family', 'hashsize', 'maxelem', 'timeout', 'netmask', 'range', 'size', 'markmask', 'bucketsize', 'initval', 'probes', 'resize',
]);

/** Member options that take a value; `nomatch` is the one bare flag. */
const MEMBER_VALUE_OPTIONS = new Set(['timeout', 'comment', 'packets', 'bytes', 'skbmark', 'skbprio', 'skbqueue', 'before', 'after']);

export function parseIpsetSave(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const sets = new Map<string, Row>();
  let recognised = 0;
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const lineNo = index + 1;
    if (line.trim() === '' || line.startsWith('#') || line.trim() === 'COMMIT') continue;
    const tokens = tokenizeSaveLine(line);
    const words = tokens.words;
    const verb = words[0];
    if (tokens.unterminatedQuote) sink.error(lineNo, `unterminated quote (line truncated?): ${excerpt(line)}`);
    if ((verb === 'create' || verb === '-N') && words.length >= 3) {
      recognised++;
      sets.set(words[1] as string, readCreate(sink, words, line, tokens.starts, lineNo));
    } else if ((verb === 'add' || verb === '-A') && words.length >= 3) {
      recognised++;
      const name = words[1] as string;
      const set = sets.get(name);
      if (set === undefined) sink.error(lineNo, `member of set ${name} that was never created`);
      else set.member_count = (set.member_count as number) + 1;
      readMember(sink, words, line, tokens.starts, lineNo);
    } else {
      sink.error(lineNo, `line not understood: ${excerpt(line)}`);
    }
  }
  if (recognised === 0 && lines.some((l) => l.trim() !== '')) throw new Error('not ipset save output: no create or add line');
  return sink.rows;
}

function optionName(word: string): string {
  return word.replace(/^--?/, '');
}

function readCreate(sink: RowSink, words: string[], line: string, starts: number[], lineNo: number): Row {
  const values = new Map<string, string>();
  const flags: string[] = [];
  for (let i = 3; i < words.length; i++) {
    const name = optionName(words[i] as string);
    if (CREATE_VALUE_OPTIONS.has(name) && i + 1 < words.length) {
      values.set(name, words[i + 1] as string);
      i++;
    } else {
      flags.push(name);
    }
  }
  const optionsStart = starts[3];
  return sink.add('ipsets', {
    name: words[1] as string,
    type: words[2] as string,
    family: values.get('family') ?? null,
    hashsize: exactInteger(values.get('hashsize')),
    maxelem: exactInteger(values.get('maxelem')),
    timeout: exactInteger(values.get('timeout')),
    with_comment: flags.includes('comment') ? 1 : 0,
    with_counters: flags.includes('counters') ? 1 : 0,
    options: optionsStart === undefined ? null : line.slice(optionsStart).trim(),
    member_count: 0,
    line: lineNo,
  });
}

function readMember(sink: RowSink, words: string[], line: string, starts: number[], lineNo: number): void {
  const values = new Map<string, string>();
  let nomatch = false;
  for (let i = 3; i < words.length; i++) {
    const name = optionName(words[i] as string);
    if (name === 'nomatch') nomatch = true;
    else if (MEMBER_VALUE_OPTIONS.has(name) && i + 1 < words.length) {
      values.set(name, words[i + 1] as string);
      i++;
    }
  }
  const optionsStart = starts[3];
  sink.add('ipset_members', {
    name: words[1] as string,
    member: words[2] as string,
    timeout: exactInteger(values.get('timeout')),
    comment: values.get('comment') ?? null,
    packets: exactInteger(values.get('packets')),
    bytes: exactInteger(values.get('bytes')),
    nomatch: nomatch ? 1 : 0,
    options: optionsStart === undefined ? null : line.slice(optionsStart).trim(),
    line: lineNo,
  });
}

export const ipsetSaveParser: TextParser = { kind: 'text', parse: parseIpsetSave };
