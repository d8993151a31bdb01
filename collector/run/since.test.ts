import { describe, expect, it } from 'vitest';
import { formatBytes, parseBytes, parseCount } from './cli-values.js';
import { parseSince, withSinceArgs } from './since.js';

describe('--since', () => {
  it('renders one duration for journalctl and for docker', () => {
    expect(parseSince('2h')).toEqual({ text: '2h', goDuration: '2h', systemdRelative: '-2h' });
    expect(parseSince('1d')).toEqual({ text: '1d', goDuration: '24h', systemdRelative: '-24h' });
    expect(parseSince('90m')?.systemdRelative).toBe('-90m');
    for (const bad of ['', '2', 'h', '-2h', '2 hours', '0h', 'yesterday', '2w']) expect(parseSince(bad)).toBeNull();
  });

  it('appends sinceArgs only when --since is given', () => {
    const since = parseSince('30m');
    expect(withSinceArgs(['journalctl', '-u', 'kubelet'], ['--since', '{since}'], since)).toEqual(['journalctl', '-u', 'kubelet', '--since', '-30m']);
    expect(withSinceArgs(['journalctl'], ['--since', '{since}'], null)).toEqual(['journalctl']);
    expect(withSinceArgs(['dmesg'], undefined, since)).toEqual(['dmesg']);
  });
});

describe('command-line numbers', () => {
  it('parses byte counts with binary units', () => {
    expect(parseBytes('1048576')).toBe(1048576);
    expect(parseBytes('64M')).toBe(64 * 1024 * 1024);
    expect(parseBytes('1GiB')).toBe(1024 ** 3);
    expect(parseBytes('512k')).toBe(512 * 1024);
    for (const bad of ['', '-5', '1.5G', 'lots', '0']) expect(() => parseBytes(bad)).toThrow();
  });

  it('parses counts and formats sizes', () => {
    expect(parseCount('10')).toBe(10);
    for (const bad of ['0', 'ten', '1e3', '-1', '2.5']) expect(() => parseCount(bad)).toThrow();
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});
