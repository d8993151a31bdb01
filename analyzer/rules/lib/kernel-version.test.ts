import { describe, expect, it } from 'vitest';
import { kernelAtLeast, parseKernelRelease } from './kernel-version.js';

describe('parseKernelRelease', () => {
  it('reads the distribution releases uname -r prints', () => {
    expect(parseKernelRelease('3.10.0-1160.102.1.el7.x86_64')).toMatchObject({ major: 3, minor: 10 });
    expect(parseKernelRelease('5.15.0-91-generic')).toMatchObject({ major: 5, minor: 15 });
    expect(parseKernelRelease(' 6.1.0-13-amd64\n')).toEqual({ major: 6, minor: 1, release: '6.1.0-13-amd64' });
  });

  it('gives null for text that is no release', () => {
    expect(parseKernelRelease(null)).toBeNull();
    expect(parseKernelRelease('')).toBeNull();
    expect(parseKernelRelease('Linux')).toBeNull();
  });
});

describe('kernelAtLeast', () => {
  it('compares major, then minor, numerically', () => {
    const v = parseKernelRelease('4.19.0-26-amd64')!;
    expect(kernelAtLeast(v, 4, 19)).toBe(true);
    expect(kernelAtLeast(v, 4, 9)).toBe(true);
    expect(kernelAtLeast(v, 4, 20)).toBe(false);
    expect(kernelAtLeast(v, 5, 0)).toBe(false);
    expect(kernelAtLeast(parseKernelRelease('3.10.0-1160.el7.x86_64')!, 4, 9)).toBe(false);
  });
});
