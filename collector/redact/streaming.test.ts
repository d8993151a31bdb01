import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor, redactText } from './index.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/redact');

function streamed(input: Buffer, cuts: number[]): { out: Buffer; records: unknown } {
  const redactor = createRedactor('m');
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    parts.push(redactor.push(input.subarray(from, cut)));
    from = cut;
  }
  parts.push(redactor.end());
  return { out: Buffer.concat(parts), records: redactor.records() };
}

describe('streaming across chunk boundaries', () => {
  for (const name of ['pem-bundle.pem', 'pem-crlf.pem', 'kubeconfig.yaml']) {
    it(`${name}: split in two at every offset, the output and records equal the one-piece result`, () => {
      const input = readFileSync(join(FIXTURES, name));
      const whole = redactText(input.toString('latin1'), 'm');
      const expected = Buffer.from(whole.text, 'latin1');
      expect(expected.equals(input)).toBe(false);
      for (let cut = 0; cut <= input.length; cut++) {
        const { out, records } = streamed(input, [cut]);
        if (!out.equals(expected)) throw new Error(`${name}: output differs when cut at byte ${cut}`);
        expect(records).toEqual(whole.records);
      }
    });
  }

  it('one byte at a time, and in three pieces around a PEM block', () => {
    const input = readFileSync(join(FIXTURES, 'pem-bundle.pem'));
    const expected = Buffer.from(redactText(input.toString('latin1'), 'm').text, 'latin1');
    const bytes = Array.from({ length: input.length - 1 }, (_, i) => i + 1);
    expect(streamed(input, bytes).out.equals(expected)).toBe(true);
    const begin = input.indexOf('-----BEGIN RSA PRIVATE KEY-----');
    const end = input.indexOf('-----END RSA PRIVATE KEY-----');
    for (const [a, b] of [
      [begin + 5, end + 5],
      [begin, end],
      [begin + 40, begin + 41],
    ] as const) {
      expect(streamed(input, [a, b]).out.equals(expected)).toBe(true);
    }
  });
});
