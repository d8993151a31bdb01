import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../../collector/registry/sources.js';
import { PARSERS } from '../../../analyzer/parsers/runtime/index.js';
import type { Parser, Rows } from '../../../analyzer/parsers/types.js';
import { CORE_TABLES } from '../../../analyzer/schema/core.js';
import { TABLES } from '../../../analyzer/schema/runtime.js';
import Database from 'better-sqlite3';
import { planSchema } from '../../../analyzer/db/schema-plan.js';
import { ctx, fixtureBytes, parseStream } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../fixtures/runtime/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = `${dir}/${name}`;
    return statSync(full).isDirectory() ? walk(full) : [full.slice(ROOT.length)];
  });
}

/** Which source each fixture belongs to, and the node path it stands for. */
function sourceOf(fixture: string): { source: string; path?: string } | null {
  const name = fixture.split('/').pop() ?? '';
  if (fixture.startsWith('certs/')) return { source: 'certs', path: fixture.slice('certs'.length) };
  if (fixture.startsWith('cni/net.d/')) return { source: 'cni-config', path: `/etc/cni/net.d/${name}` };
  if (fixture.startsWith('cni/networks/')) return { source: 'cni-ipam', path: `/var/lib/cni/networks/cbr0/${name}` };
  if (fixture.startsWith('cni/flannel/')) return { source: 'flannel-cni-state', path: `/var/lib/cni/flannel/${name}` };
  if (fixture.startsWith('cni/subnet')) return { source: 'flannel-subnet-env', path: '/run/flannel/subnet.env' };
  if (fixture.startsWith('kube/kubeconfigs/')) return { source: 'kubeconfigs', path: `/etc/kubernetes/${name}` };
  if (fixture.startsWith('kube/manifests/')) return { source: 'kube-configs', path: `/etc/kubernetes/manifests/${name}` };
  if (fixture.startsWith('kube/')) {
    if (name.startsWith('net-conf')) return { source: 'kube-configs', path: '/etc/kube-flannel/net-conf.json' };
    if (name === 'sysconfig-kubelet') return { source: 'kube-configs', path: '/etc/sysconfig/kubelet' };
    if (name === 'etc-kubernetes-config') return { source: 'kube-configs', path: '/etc/kubernetes/config' };
    if (name === 'etc-kubernetes-proxy') return { source: 'kube-configs', path: '/etc/kubernetes/proxy' };
    return { source: 'kube-configs', path: `/etc/kubernetes/${name}` };
  }
  if (fixture.startsWith('config/units/')) return { source: 'systemd-units', path: `/etc/systemd/system/${name.endsWith('.conf') ? 'docker.service.d/' : ''}${name}` };
  if (fixture.startsWith('config/containerd')) return { source: 'containerd-config', path: '/etc/containerd/config.toml' };
  if (fixture.startsWith('config/daemon')) return { source: 'docker-daemon-config', path: '/etc/docker/daemon.json' };
  if (fixture.startsWith('config/')) return { source: 'docker-daemon-config', path: '/etc/sysconfig/docker' };
  if (fixture.startsWith('cgroup/')) return { source: 'cgroup-cpu-stat', path: '/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod57501f2c-60f3-4acf-95b0-19c9ee1ec293/2591c532008a5e0f7b2c6d9e8a1f3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c/cpu.stat' };
  if (fixture.startsWith('gpu/nvidia-smi')) return { source: 'nvidia-smi' };
  if (fixture.startsWith('gpu/dev-nvidia')) return { source: 'dev-nvidia' };
  if (fixture.startsWith('cri/')) return { source: `crictl-${name.replace('.json', '')}` };
  if (fixture.startsWith('docker/')) {
    const stem = name.replace(/-.*$/, '').replace(/\..*$/, '');
    const map: Record<string, string> = { inspect: 'docker-inspect', ps: 'docker-ps', info: 'docker-info', version: 'docker-version', network: 'docker-network-inspect', overlay2: 'docker-overlay2-du' };
    return map[stem] ? { source: map[stem] } : null;
  }
  return null;
}

async function run(parser: Parser, fixture: string, source: string, path?: string): Promise<Rows> {
  const context = ctx(source, path);
  if (parser.kind === 'stream') return parseStream(parser, fixtureBytes(fixture), context);
  try {
    return parser.parse(fixtureBytes(fixture).toString('utf8'), context);
  } catch {
    return {};
  }
}

describe('runtime tables', () => {
  const declared = new Map<string, Set<string>>();
  for (const t of [...TABLES, ...CORE_TABLES]) declared.set(t.name, new Set(t.columns.map((c) => c.name)));

  it('registers a parser for every runtime source, by its registry name', () => {
    for (const name of Object.keys(PARSERS)) expect(SOURCE_NAMES).toContain(name);
    expect(Object.keys(PARSERS).sort()).toEqual(
      [
        'docker-info', 'docker-version', 'docker-ps', 'docker-inspect', 'docker-network-inspect', 'docker-overlay2-du',
        'crictl-pods', 'crictl-ps', 'crictl-inspect', 'cgroup-cpu-stat', 'nvidia-smi', 'dev-nvidia', 'docker-daemon-config',
        'containerd-config', 'systemd-units', 'kube-configs', 'kubeconfigs', 'certs', 'cni-config', 'cni-ipam',
        'flannel-cni-state', 'flannel-subnet-env', 'kube-versions',
      ].sort(),
    );
  });

  it('describes every table and column, without duplicates or SQL keywords', () => {
    const names = TABLES.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of TABLES) {
      expect(t.description.length, t.name).toBeGreaterThan(20);
      const cols = t.columns.map((c) => c.name);
      expect(new Set(cols).size, t.name).toBe(cols.length);
      for (const c of t.columns) {
        expect(c.description.length, `${t.name}.${c.name}`).toBeGreaterThan(2);
        expect(['index', 'order', 'group', 'select', 'from', 'where', 'table'], `${t.name}.${c.name}`).not.toContain(c.name);
      }
    }
  });

  it('is accepted by the database layer and creates in SQLite', () => {
    const plan = planSchema([...CORE_TABLES, ...TABLES]);
    const db = new Database(':memory:');
    try {
      for (const statement of plan.ddl) db.exec(statement);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'containers'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('fills only declared tables and columns, and every runtime column from some fixture', async () => {
    const seen = new Map<string, Set<string>>();
    const fixtures = walk(ROOT.replace(/\/$/, ''));
    expect(fixtures.length).toBeGreaterThan(60);
    for (const fixture of fixtures) {
      const target = sourceOf(fixture);
      if (!target) continue;
      const parser = PARSERS[target.source];
      expect(parser, fixture).toBeDefined();
      const rows = await run(parser as Parser, fixture, target.source, target.path);
      for (const [table, list] of Object.entries(rows)) {
        if (table === 'parse_errors') continue;
        const columns = declared.get(table);
        expect(columns, `${fixture} -> undeclared table ${table}`).toBeDefined();
        for (const row of list) {
          for (const key of Object.keys(row)) {
            expect(columns?.has(key), `${fixture} -> undeclared column ${table}.${key}`).toBe(true);
            if (row[key] !== null) (seen.get(table) ?? seen.set(table, new Set()).get(table))?.add(key);
          }
        }
      }
    }
    const neverFilled = TABLES.flatMap((t) => t.columns.filter((c) => !seen.get(t.name)?.has(c.name)).map((c) => `${t.name}.${c.name}`));
    expect(neverFilled).toEqual([]);
  });
});
