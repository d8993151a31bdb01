import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.js';

const spoolFiles = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('nodesnap-spool-'));

describe('Spool', () => {
  it('keeps small outputs in memory', async () => {
    const spool = new Spool(100);
    spool.write(Buffer.from('hello '));
    spool.write(Buffer.from('world'));
    expect(spool.spilled).toBe(false);
    expect((await spool.toBuffer()).toString()).toBe('hello world');
    expect((await spool.toBuffer(7)).toString()).toBe('hello w');
    spool.dispose();
  });

  it('moves to an unlinked temp file past its memory limit and reads back in order', async () => {
    const before = spoolFiles().length;
    const spool = new Spool(1000);
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.from(`${String(i).padStart(3, '0')}:${'x'.repeat(96)}\n`));
    for (const part of parts) spool.write(part);
    expect(spool.spilled).toBe(true);
    expect(spool.length).toBe(5050);
    // the file was unlinked as soon as it was opened: nothing to clean up after a crash
    expect(spoolFiles().length).toBe(before);
    expect((await spool.toBuffer()).equals(Buffer.concat(parts))).toBe(true);
    expect((await spool.toBuffer(250)).equals(Buffer.concat(parts).subarray(0, 250))).toBe(true);
    spool.dispose();
    expect(spool.length).toBe(5050);
  });
});
