import { describe, expect, it } from 'vitest';
import type { ContainerRow } from './docker-containers.js';
import { extraPattern, imageRepository, systemContainer } from './system-containers.js';

const row = (over: Partial<ContainerRow>): ContainerRow => ({ name: 'x', image: null, pod_namespace: null, pod_name: null, k8s_container_name: null, ...over }) as ContainerRow;

describe('imageRepository', () => {
  it.each([
    ['docker.io/flannel/flannel:v0.22.3', 'flannel/flannel'],
    ['registry.k8s.io/kube-proxy:v1.23.17', 'kube-proxy'],
    ['localhost:5000/team/app@sha256:abcd', 'team/app'],
    ['calico/node:v3.26.4', 'calico/node'],
    ['nginx', 'nginx'],
  ])('%s -> %s', (image, repo) => expect(imageRepository(image)).toBe(repo));
});

describe('systemContainer', () => {
  const none = new Map<string, string>();
  it('knows node agents by namespace, image, container name and pod label', () => {
    expect(systemContainer(row({ pod_namespace: 'kube-system', image: 'registry.example.internal/anything:1' }), none).because).toBe('namespace kube-system');
    expect(systemContainer(row({ pod_namespace: 'infra', image: 'docker.io/calico/node:v3.26.4' }), none).system).toBe(true);
    expect(systemContainer(row({ pod_namespace: 'storage', image: 'quay.io/cephcsi/cephcsi:v3.9.0' }), none).system).toBe(true);
    expect(systemContainer(row({ pod_namespace: 'gpu', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.14.3' }), none).system).toBe(true);
    expect(systemContainer(row({ pod_namespace: 'net', k8s_container_name: 'kube-flannel', image: 'example/x:1' }), none).system).toBe(true);
    expect(systemContainer(row({ pod_namespace: 'net', image: 'example/x:1' }), new Map([['k8s-app', 'calico-node']])).because).toBe('label k8s-app=calico-node');
  });

  it('does not take workloads for agents: a Node.js app, an nginx, a Go service named node-api', () => {
    expect(systemContainer(row({ pod_namespace: 'shop', image: 'node:20-alpine' }), none).system).toBe(false);
    expect(systemContainer(row({ pod_namespace: 'shop', image: 'nginx:1.25', k8s_container_name: 'web' }), none).system).toBe(false);
    expect(systemContainer(row({ pod_namespace: 'shop', image: 'example/node-api:2' }), new Map([['app', 'node-api']])).system).toBe(false);
    expect(systemContainer(row({ name: 'legacy-web', image: 'registry.example.internal/ops/legacy-web:1.3' }), none).system).toBe(false);
  });

  it('takes an extra pattern from the user, and rejects an invalid one', () => {
    expect(systemContainer(row({ pod_namespace: 'ops', image: 'acme/agent:1' }), none, extraPattern('^acme/agent')).system).toBe(true);
    expect(extraPattern('')).toBeNull();
    expect(() => extraPattern('(')).toThrow(/system_pattern/);
  });
});
