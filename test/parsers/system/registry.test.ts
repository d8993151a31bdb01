import { describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../../collector/registry/sources.js';
import { PARSERS } from '../../../analyzer/parsers/system/index.js';
import { TABLES } from '../../../analyzer/schema/system.js';
import { CORE_TABLES } from '../../../analyzer/schema/core.js';

/** The sources this group owns (system, kernel, storage, process and log sources). */
const OWNED = [
  'uname', 'os-release', 'hostname', 'machine-id', 'timezone', 'uptime', 'timedatectl', 'chronyc',
  'sysctl', 'proc-modules', 'sys-modules', 'modules-builtin', 'kernel-config', 'proc-vmstat', 'proc-meminfo', 'proc-loadavg', 'proc-pressure',
  'df', 'df-inodes', 'proc-mounts', 'lsblk', 'block-queue', 'ps',
  'kernel-log', 'log-kubelet', 'log-kube-proxy', 'log-flanneld', 'log-docker', 'log-containerd', 'log-kubernetes-files', 'log-containers',
];

describe('system parser registry', () => {
  it('has a parser for every owned source and only for registry sources', () => {
    expect(Object.keys(PARSERS).sort()).toEqual([...OWNED].sort());
    for (const name of Object.keys(PARSERS)) expect(SOURCE_NAMES, name).toContain(name);
  });

  it('describes every table and column, and does not redeclare core tables', () => {
    const core = new Set(CORE_TABLES.map((t) => t.name));
    const names = new Set<string>();
    for (const t of TABLES) {
      expect(core.has(t.name), t.name).toBe(false);
      expect(names.has(t.name), `${t.name} declared twice`).toBe(false);
      names.add(t.name);
      expect(t.description.length, t.name).toBeGreaterThan(30);
      expect(t.columns.some((c) => c.name === 'node_id'), t.name).toBe(false);
      for (const c of t.columns) expect(c.description.length, `${t.name}.${c.name}`).toBeGreaterThan(5);
      for (const index of t.indexes ?? []) for (const column of index) expect(t.columns.map((c) => c.name), `${t.name} index`).toContain(column);
    }
  });
});
