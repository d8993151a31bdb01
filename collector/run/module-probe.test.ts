import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleProbe } from './module-probe.js';

const RELEASE = '5.10.0-test';
const dirs: string[] = [];

function tree(files: Record<string, string | Buffer>, folders: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'nodesnap-kernel-'));
  dirs.push(root);
  for (const folder of folders) mkdirSync(join(root, folder), { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ModuleProbe', () => {
  it('reads /proc/modules', () => {
    const kernel = tree({
      'proc/modules': 'ip_vs_rr 16384 1 - Live 0x0000000000000000\nip_vs 176128 3 ip_vs_rr, Live 0x0000000000000000\nnf_conntrack 147456 2 ip_vs, Live 0x0\n',
    });
    const probe = new ModuleProbe({ kernelRoot: kernel, sysroot: kernel, kernelRelease: RELEASE });
    expect(probe.isPresent('ip_vs')).toBe(true);
    expect(probe.isPresent('ip-vs-rr')).toBe(true);
    expect(probe.isPresent('ip_set')).toBe(false);
    expect(probe.missingReason(['ip_vs', 'nf_conntrack'])).toBeNull();
    expect(probe.missingReason(['ip_vs', 'nf_conntrack_netlink'])).toBe('module not loaded: nf_conntrack_netlink');
  });

  it('falls back to /sys/module, modules.builtin and the kernel config when /proc/modules is absent', () => {
    const kernel = tree(
      {
        'proc/config.gz': gzipSync('CONFIG_NF_CONNTRACK=y\nCONFIG_NF_CT_NETLINK=y\nCONFIG_IP_VS=m\n# CONFIG_IP_SET is not set\n'),
        [`lib/modules/${RELEASE}/modules.builtin`]: 'kernel/net/bridge/br_netfilter.ko\nkernel/drivers/net/vxlan/vxlan.ko\n',
      },
      ['sys/module/overlay/parameters'],
    );
    const probe = new ModuleProbe({ kernelRoot: kernel, sysroot: kernel, kernelRelease: RELEASE });
    expect(probe.isPresent('overlay')).toBe(true); // sysfs
    expect(probe.isPresent('br_netfilter')).toBe(true); // modules.builtin
    expect(probe.isPresent('br-netfilter')).toBe(true);
    expect(probe.isPresent('nf_conntrack_netlink')).toBe(true); // =y
    expect(probe.isPresent('ip_vs')).toBe(false); // =m and not loaded: running ipvsadm would load it
    expect(probe.isPresent('ip_set')).toBe(false);
    expect(probe.missingReason([], ['ip_tables', 'nf_tables'])).toBe('none of these modules loaded: ip_tables, nf_tables');
  });

  it('reads /boot/config-<release> under the sysroot when /proc/config.gz is absent', () => {
    const kernel = tree({}, ['proc', 'sys/module']);
    const host = tree({ [`boot/config-${RELEASE}`]: 'CONFIG_IP_SET=y\nCONFIG_IP_VS=y\n' });
    const probe = new ModuleProbe({ kernelRoot: kernel, sysroot: host, kernelRelease: RELEASE });
    expect(probe.isPresent('ip_set')).toBe(true);
    expect(probe.isPresent('ip_vs')).toBe(true);
    expect(probe.isPresent('nf_tables')).toBe(false);
  });

  it('sees the built-in netfilter modules of this machine, which has no /proc/modules', () => {
    const probe = new ModuleProbe();
    // nf_conntrack has parameters (in /sys/module); nf_conntrack_netlink is built in without any
    expect(probe.isPresent('nf_conntrack')).toBe(true);
    expect(probe.isPresent('nf_conntrack_netlink')).toBe(true);
    expect(probe.isPresent('nodesnap_no_such_module')).toBe(false);
  });
});
