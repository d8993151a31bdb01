import { describe, expect, it } from 'vitest';
import { componentOf, parseFlags, splitCommandLine } from './component-flags.js';

describe('component flags', () => {
  it('normalises the flag spellings kubelet and kube-apiserver use', () => {
    const argv = splitCommandLine('/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --v 2 --rotate-certificates --node-ip="10.0.0.5"');
    expect(componentOf(argv)).toBe('kubelet');
    expect(parseFlags(argv.slice(1))).toEqual([
      { flag: 'config', value: '/var/lib/kubelet/config.yaml' },
      { flag: 'v', value: '2' },
      { flag: 'rotate-certificates', value: 'true' },
      { flag: 'node-ip', value: '10.0.0.5' },
    ]);
  });

  it('knows hyperkube, the old docker daemon and ignores other programs', () => {
    expect(componentOf(['/hyperkube', 'kube-proxy', '--v=2'])).toBe('kube-proxy');
    expect(componentOf(['/usr/bin/docker', 'daemon', '-H', 'fd://'])).toBe('dockerd');
    expect(componentOf(['/usr/sbin/nginx', '-g', 'daemon off;'])).toBeNull();
    expect(componentOf(['docker', 'run', '-d', 'nginx'])).toBeNull();
    expect(componentOf(['/usr/bin/docker', '-d', '-H', 'unix:///var/run/docker.sock'])).toBe('dockerd');
  });

  it('splits quoted words and line continuations like sh', () => {
    expect(splitCommandLine("ExecStart=/usr/bin/dockerd \\\n  -H 'tcp://0.0.0.0:2375' --label \"a b\"")).toEqual([
      'ExecStart=/usr/bin/dockerd',
      '-H',
      'tcp://0.0.0.0:2375',
      '--label',
      'a b',
    ]);
  });
});
