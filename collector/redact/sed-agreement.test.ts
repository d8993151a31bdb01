/**
 * The sh collector redacts with `sed -E` and counts with `grep -c`; the Node collector with
 * RegExps. Both must write the same bytes and the same records for every input, so every
 * fixture (and a file of hostile edge cases) goes through both and is compared byte for byte.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grepCountPattern, REDACTION_RULES, redactText, sedProgram } from './index.js';
import { countPatternText } from './patterns.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/redact');
const C_LOCALE = { ...process.env, LC_ALL: 'C', LANG: 'C' };

/** Lines written to trip up one engine or the other. Latin1: one char per byte. */
const EDGE_CASES = [
  'token: "a\\"b" # quoted with an escaped quote',
  "password: 'it''s' trailing",
  'password: "unterminated',
  'password:',
  'password: ""',
  'secret: {secretName: x}',
  'mid\rline token: x\r',
  'caf\xe9 PASSWORD=\xe9t\xe9 binary \x00 nul \xff',
  '"DB_PASSWORD=a\\"b" "OTHER=1"',
  "'API_KEY=single quoted' rest",
  'A_KEY=x B_KEY=yy C_AUTH=zz auth=no OAUTH_URL=u',
  'x --password --verbose --token= --secret "a b" --api-key \'c d\' --db-pass=e\\ f',
  'mysql -uroot -p -h x; mysql -pone -ptwo; mysqladmin -u a - -pthree',
  'http://u:p@h1 https://:p2@h2 ftp://u@h3 s3://k:s/e@h4',
  'Authorization: Bearer   spaced    tail',
  '"authorization": "Basic QWxhZGRpbjpvcGVu", "Authorization":null, "proxy-authorization":"Negotiate abc"',
  'Set-Cookie: a=b; HttpOnly',
  'bearer short bearer 0123456789abcdef= Bearer <REDACTED>',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig eyJshort.eyJshort.x',
  'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF== LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEow',
  '-----BEGIN EC PRIVATE KEY----- nested begin inside a block',
  'MHcC',
  'prefix -----END EC PRIVATE KEY----- tail-----BEGIN PRIVATE KEY-----more',
  'MC4C',
  '-----END PRIVATE KEY-----\r',
  'x -----BEGIN PRIVATE KEY-----a-----END PRIVATE KEY----- y -----BEGIN DSA PRIVATE KEY-----b-----END DSA PRIVATE KEY----- z',
  '- name: MYSQL_PWD',
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  '- name: "SECRET_TOKEN",',
  '  value: after-a-block',
  '-----END OPENSSH PRIVATE KEY-----',
  '  - name: GH_TOKEN',
  '    value: "ghp_x"',
  '  "key": "DB_PASSWORD",',
  '  "value": "crictl"',
  '  - name: API_TOKEN',
  '  - name: NEXT_SECRET',
  '    value: only-the-last-trigger-counts',
  '{"name": "DB_PASSWORD", "value": "one-line"}',
  '{"password":"x","Auth":"YQ==","pin_token": 1234, "token": null, "client_key_data": "a\\"b", "tlskey": "/k"}',
  'x'.repeat(5000) + ' token=' + 'y'.repeat(5000),
  '',
  '\r',
  '  - name: LAST_PASSWORD',
].join('\n');

let dir = '';
let sedFile = '';
const inputs: { name: string; path: string }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodesnap-redact-'));
  sedFile = join(dir, 'redact.sed');
  writeFileSync(sedFile, sedProgram());
  for (const name of readdirSync(FIXTURES)) inputs.push({ name, path: join(FIXTURES, name) });
  const edge = join(dir, 'edge-cases.txt');
  writeFileSync(edge, Buffer.from(EDGE_CASES, 'latin1'));
  inputs.push({ name: 'edge-cases.txt', path: edge });
  const unterminated = join(dir, 'unterminated-block.txt');
  writeFileSync(unterminated, 'a\n-----BEGIN PRIVATE KEY-----\nMIIE\nno end');
  inputs.push({ name: 'unterminated-block.txt', path: unterminated });
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  inputs.push({ name: 'empty.txt', path: empty });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jsRedact(path: string): Buffer {
  return Buffer.from(redactText(readFileSync(path).toString('latin1'), 'm').text, 'latin1');
}

function runSed(sed: string[], path: string): Buffer {
  return execFileSync(sed[0]!, [...sed.slice(1), '-E', '-f', sedFile, path], { env: C_LOCALE, maxBuffer: 1 << 28 });
}

function grepLines(rule: (typeof REDACTION_RULES)[number], path: string): number[] {
  const args = ['-a', '-n', '-E', '-e', grepCountPattern(rule), path];
  const res = spawnSync('grep', args, { env: C_LOCALE, maxBuffer: 1 << 28 });
  if (res.status !== 0 && res.status !== 1) throw new Error(`grep failed: ${res.stderr.toString()}`);
  return res.stdout
    .toString('latin1')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Number(l.slice(0, l.indexOf(':'))));
}

describe('GNU sed -E runs the same redaction as the JavaScript redactor', () => {
  it('on every fixture and edge case, byte for byte', () => {
    expect(inputs.length).toBeGreaterThan(12);
    for (const input of inputs) {
      const js = jsRedact(input.path);
      const sed = runSed(['sed'], input.path);
      expect({ name: input.name, out: sed.toString('latin1') }).toEqual({ name: input.name, out: js.toString('latin1') });
    }
  });

  it('the edge cases really exercise the rules (the comparison is not vacuous)', () => {
    const edge = inputs.find((i) => i.name === 'edge-cases.txt')!;
    const { text, records } = redactText(readFileSync(edge.path).toString('latin1'), 'm');
    expect(new Set(records.map((r) => r.rule))).toEqual(new Set(REDACTION_RULES.map((r) => r.id)));
    expect(text).toContain('mysql -uroot -p -h x; mysql -p<REDACTED> -ptwo; mysqladmin -u a - -p<REDACTED>');
    expect(text).toContain('<REDACTED PRIVATE KEY>\n tail<REDACTED PRIVATE KEY>\nx <REDACTED PRIVATE KEY> z\n');
    // a block opened right after a trigger line wins: the pair inside the key block is dropped with it
    expect(text).toContain('x <REDACTED PRIVATE KEY> z\n- name: MYSQL_PWD\n<REDACTED PRIVATE KEY>\n  - name: GH_TOKEN\n    value: "<REDACTED>"\n');
    expect(text).not.toContain('after-a-block');
    expect(text).toContain('  - name: API_TOKEN\n  - name: NEXT_SECRET\n    value: <REDACTED>\n');
    expect(text).toContain('  "key": "DB_PASSWORD",\n  "value": "<REDACTED>"\n');
    expect(text).toContain('http://u:<REDACTED>@h1 https://:<REDACTED>@h2 ftp://u@h3 s3://k:s/e@h4');
  });

  it('grep -c/-n with grepCountPattern gives the records the redactor writes', () => {
    for (const input of inputs) {
      const records = redactText(readFileSync(input.path).toString('latin1'), input.name).records;
      for (const rule of REDACTION_RULES) {
        const lines = grepLines(rule, input.path);
        const record = records.find((r) => r.rule === rule.id);
        expect({ file: input.name, rule: rule.id, count: record?.count ?? 0, lines: record?.lines ?? [] }).toEqual({
          file: input.name,
          rule: rule.id,
          count: lines.length,
          lines: lines.slice(0, 100),
        });
      }
    }
  });

  const busybox = spawnSync('busybox', ['sed', '--help'], { env: C_LOCALE });
  /**
   * busybox sed (1.35) has two byte-level quirks unrelated to the rules: after `x` it ends a last
   * line that had no newline with one, and a `g` substitution on a line holding a NUL turns the NUL
   * into a newline. It is compared on copies without NULs that end with a newline.
   */
  it.skipIf(busybox.error !== undefined)('busybox sed agrees too (when busybox is installed)', () => {
    for (const input of inputs) {
      let bytes = readFileSync(input.path).toString('latin1').replaceAll('\0', ' ');
      if (bytes !== '' && !bytes.endsWith('\n')) bytes += '\n';
      const copy = join(dir, `busybox-${input.name}`);
      writeFileSync(copy, Buffer.from(bytes, 'latin1'));
      expect({ name: input.name, out: runSed(['busybox', 'sed'], copy).toString('latin1') }).toEqual({ name: input.name, out: jsRedact(copy).toString('latin1') });
    }
  });
});

describe('the rules stay in the JavaScript/POSIX ERE common subset', () => {
  const patterns = REDACTION_RULES.flatMap((rule) => {
    const list = [countPatternText(rule)];
    if (rule.kind === 'block') list.push(rule.end);
    else list.push(...rule.substitutions.map((s) => s.pattern));
    if (rule.kind === 'next-line') list.push(rule.trigger);
    return list.map((p) => ({ id: rule.id, p }));
  });

  /** Contents of the bracket expressions of a pattern (escapes outside brackets skipped). */
  function brackets(p: string): string[] {
    const found: string[] = [];
    for (let i = 0; i < p.length; i++) {
      if (p[i] === '\\') i++;
      else if (p[i] === '[') {
        const close = p.indexOf(']', i + 2); // a ']' right after '[' or '[^' would be literal in POSIX only
        found.push(p.slice(i + 1, close));
        i = close;
      }
    }
    return found;
  }

  it.each(patterns)('$id: $p', ({ p }) => {
    // Escapes, lookarounds, lazy quantifiers and back-references that POSIX ERE lacks or reads differently.
    expect(p).not.toMatch(/\\[dDsSwWbBnfv0-9]|\(\?|[*+?}]\?|\\[<>]/);
    for (const content of brackets(p)) {
      // ']' first, POSIX classes/collating elements, or a backslash escape other than the
      // doubled backslash (JavaScript reads \\ as an escape inside a class, POSIX as two literal
      // backslashes: both mean "backslash" only when doubled) and \t \r (turned into bytes).
      expect(content).not.toMatch(/^\^?\]|\[[:.=]/);
      expect(content.replaceAll('\\\\', '').replace(/\\[tr]/g, '')).not.toContain('\\');
    }
    expect(() => new RegExp(p, 'si')).not.toThrow();
  });

  it('rule ids are unique and the program runs from a shell variable, as the sh collector runs it', () => {
    const ids = REDACTION_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const out = execFileSync('sh', ['-c', 'printf "ok\\ntoken: x\\n" | sed -E -e "$PROG"'], { env: { ...C_LOCALE, PROG: sedProgram() } });
    expect(out.toString()).toBe('ok\ntoken: <REDACTED>\n');
  });

  it('a rule hint (the JavaScript fast path) is in every line one of its patterns matches', () => {
    let checked = 0;
    for (const input of inputs) {
      const lines = readFileSync(input.path).toString('latin1').split('\n');
      for (const rule of REDACTION_RULES) {
        if (rule.hint === undefined) continue;
        const hint = new RegExp(rule.hint.map((h) => h.replace(/[.*+?()[\]{}|\\^$/]/g, '\\$&')).join('|'), 'i');
        // a next-line rule's substitutions apply to the line after its trigger: only the trigger is hinted
        const texts = rule.kind === 'block' ? [rule.begin, rule.end] : rule.kind === 'next-line' ? [rule.trigger] : rule.substitutions.map((s) => s.pattern);
        const res = texts.map((t) => new RegExp(t, rule.kind === 'block' ? 's' : rule.kind === 'next-line' || rule.ignoreCase ? 'si' : 's'));
        for (const line of lines) {
          if (res.some((re) => re.test(line))) {
            checked++;
            expect({ rule: rule.id, line, hinted: hint.test(line) }).toEqual({ rule: rule.id, line, hinted: true });
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
