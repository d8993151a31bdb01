import { describe, expect, it } from 'vitest';
import { checkMemberName, printableName } from './member-name.js';
import { placeNodesnapMember } from './snapshot-layout.js';

describe('checkMemberName', () => {
  it('splits ordinary names, ignoring ./ and doubled or trailing slashes', () => {
    expect(checkMemberName('top/iptables-save/iptables-save.txt')).toEqual({ ok: true, parts: ['top', 'iptables-save', 'iptables-save.txt'] });
    expect(checkMemberName('./top//certs/etc/ca.crt')).toEqual({ ok: true, parts: ['top', 'certs', 'etc', 'ca.crt'] });
    expect(checkMemberName('top/')).toEqual({ ok: true, parts: ['top'] });
  });

  it('refuses traversal, absolute paths, NUL and empty names', () => {
    expect(checkMemberName('top/../../etc/passwd')).toMatchObject({ ok: false, reason: expect.stringContaining('..') });
    expect(checkMemberName('..')).toMatchObject({ ok: false });
    expect(checkMemberName('/etc/passwd')).toMatchObject({ ok: false, reason: expect.stringContaining('absolute') });
    expect(checkMemberName('C:\\Windows\\x')).toMatchObject({ ok: false, reason: expect.stringContaining('absolute') });
    expect(checkMemberName('top/a\u0000b')).toMatchObject({ ok: false, reason: expect.stringContaining('NUL') });
    expect(checkMemberName('./')).toMatchObject({ ok: false, reason: expect.stringContaining('empty') });
  });

  it('a name like "a..b" is not traversal', () => {
    expect(checkMemberName('top/logs/a..b.txt')).toMatchObject({ ok: true });
  });

  it('printableName escapes control characters only', () => {
    expect(printableName('a\u0000b\u001b[31m\nc\u0085 日本')).toBe('a\\x00b\\x1b[31m\\x0ac\\x85 日本');
  });
});

describe('placeNodesnapMember', () => {
  it('maps the layout of collector/registry/layout.ts', () => {
    expect(placeNodesnapMember('snapshot.json')).toEqual({ role: 'header', source: 'snapshot' });
    expect(placeNodesnapMember('manifest.json')).toEqual({ role: 'manifest', source: 'snapshot' });
    expect(placeNodesnapMember('iptables-save/iptables-save.txt')).toEqual({ role: 'output', source: 'iptables-save' });
    expect(placeNodesnapMember('iptables-save/iptables-save.stderr')).toEqual({ role: 'stderr', source: 'iptables-save' });
    expect(placeNodesnapMember('certs/etc/kubernetes/pki/ca.crt')).toEqual({ role: 'file', source: 'certs', path: '/etc/kubernetes/pki/ca.crt' });
    // a collected file that happens to end in .stderr is still a file
    expect(placeNodesnapMember('logs/var/log/x.stderr')).toEqual({ role: 'file', source: 'logs', path: '/var/log/x.stderr' });
    expect(placeNodesnapMember('README')).toEqual({ role: 'stray', source: '' });
  });
});
