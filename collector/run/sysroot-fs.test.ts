import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfinedRoot } from './sysroot-fs.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nodesnap-root-'));
  mkdirSync(join(root, 'etc/kubernetes/pki'), { recursive: true });
  mkdirSync(join(root, 'var/lib'), { recursive: true });
  writeFileSync(join(root, 'etc/kubernetes/pki/ca.crt'), 'ca');
  symlinkSync('/etc/kubernetes', join(root, 'var/lib/k8s')); // absolute: means <root>/etc/kubernetes
  symlinkSync('../../etc/kubernetes/pki/ca.crt', join(root, 'var/lib/ca-link.crt')); // relative
  symlinkSync('../../../../../../../../etc/passwd', join(root, 'etc/escape')); // climbs past the root
  symlinkSync('loop-b', join(root, 'etc/loop-a'));
  symlinkSync('loop-a', join(root, 'etc/loop-b'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ConfinedRoot', () => {
  it('resolves absolute and relative links inside the root', async () => {
    const confined = new ConfinedRoot(root);
    expect(await confined.canonical('/var/lib/k8s/pki/ca.crt')).toBe('/etc/kubernetes/pki/ca.crt');
    expect(await confined.canonical('/var/lib/ca-link.crt')).toBe('/etc/kubernetes/pki/ca.crt');
    expect(confined.hostPath('/etc/kubernetes/pki/ca.crt')).toBe(join(root, 'etc/kubernetes/pki/ca.crt'));
  });

  it('stops ".." at the root, so a link cannot lead out of it', async () => {
    const confined = new ConfinedRoot(root);
    await expect(confined.canonical('/etc/escape')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(confined.canonical('/../../etc/kubernetes/pki/ca.crt')).resolves.toBe('/etc/kubernetes/pki/ca.crt');
  });

  it('gives up on link loops', async () => {
    await expect(new ConfinedRoot(root).canonical('/etc/loop-a')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('is plain resolution with root "/"', async () => {
    const confined = new ConfinedRoot('/');
    expect(confined.hostPath('/proc/loadavg')).toBe('/proc/loadavg');
    expect(await confined.canonical('/proc/self/status')).toBe(`/proc/${process.pid}/status`);
  });
});
