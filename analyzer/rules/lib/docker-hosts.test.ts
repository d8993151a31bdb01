import { describe, expect, it } from 'vitest';
import { isLoopback, tcpEndpoint } from './docker-hosts.js';

describe('tcpEndpoint', () => {
  it.each([
    ['tcp://0.0.0.0:2375', false, 'tcp://0.0.0.0:2375'],
    ['tcp://:2375', false, 'tcp://0.0.0.0:2375'],
    ['tcp://', false, 'tcp://0.0.0.0:2375'],
    ['tcp://', true, 'tcp://0.0.0.0:2376'],
    ['TCP://10.0.0.5:4243/', false, 'tcp://10.0.0.5:4243'],
    ['tcp://[::]:2375', false, 'tcp://[::]:2375'],
    ['127.0.0.1:2375', false, 'tcp://127.0.0.1:2375'],
    ['0.0.0.0', false, 'tcp://0.0.0.0:2375'],
  ])('%s (tls %s) is %s', (value, tls, url) => expect(tcpEndpoint(value, tls)?.url).toBe(url));

  it.each(['unix:///var/run/docker.sock', 'fd://', '/var/run/docker.sock', 'npipe:////./pipe/docker_engine', 'ssh://me@host'])('%s is not TCP', (value) =>
    expect(tcpEndpoint(value, false)).toBeNull(),
  );

  it('tells loopback from any-address', () => {
    expect(isLoopback(tcpEndpoint('tcp://127.0.0.1:2375', false)!.host)).toBe(true);
    expect(isLoopback(tcpEndpoint('tcp://[::1]:2375', false)!.host)).toBe(true);
    expect(isLoopback(tcpEndpoint('tcp://:2375', false)!.host)).toBe(false);
  });
});
