import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MODULE_CONFIG_SYMBOLS } from '../registry/kernel-modules.js';

export interface ModuleProbeOptions {
  /** Where /proc and /sys are read (tests point it at a fake tree). Default '/'. */
  kernelRoot?: string;
  /** Where /lib/modules and /boot are read (the host root). Default '/'. */
  sysroot?: string;
  /** Kernel release, default os.release() (uname -r). */
  kernelRelease?: string;
}

/**
 * Answers "is this module already in the kernel?" without touching the kernel: a tool like
 * ipvsadm or conntrack would otherwise auto-load its module and change the node. Evidence, in
 * order: /proc/modules (absent on some kernels), /sys/module/<name>, modules.builtin, and the
 * kernel config (CONFIG_X=y) for built-ins that leave no trace in sysfs.
 */
export class ModuleProbe {
  private readonly kernelRoot: string;
  private readonly sysroot: string;
  private readonly kernelRelease: string;
  private loaded: Set<string> | null = null;
  private builtin: Set<string> | null = null;
  private config: Map<string, string> | null = null;
  private readonly cache = new Map<string, boolean>();

  constructor(options: ModuleProbeOptions = {}) {
    this.kernelRoot = options.kernelRoot ?? '/';
    this.sysroot = options.sysroot ?? '/';
    this.kernelRelease = options.kernelRelease ?? release();
  }

  isPresent(module: string): boolean {
    const name = normalize(module);
    const known = this.cache.get(name);
    if (known !== undefined) return known;
    const present =
      this.loadedModules().has(name) ||
      existsSync(join(this.kernelRoot, 'sys/module', name)) ||
      this.builtinModules().has(name) ||
      this.configSays(name);
    this.cache.set(name, present);
    return present;
  }

  /** Why an item needing these modules cannot run, or null when it can. */
  missingReason(requiresModules: readonly string[] = [], requiresAnyModule: readonly string[] = []): string | null {
    const missing = requiresModules.filter((m) => !this.isPresent(m));
    if (missing.length > 0) return `module not loaded: ${missing.join(', ')}`;
    if (requiresAnyModule.length > 0 && !requiresAnyModule.some((m) => this.isPresent(m))) {
      return `none of these modules loaded: ${requiresAnyModule.join(', ')}`;
    }
    return null;
  }

  private loadedModules(): Set<string> {
    if (this.loaded === null) {
      const text = readText(join(this.kernelRoot, 'proc/modules'));
      this.loaded = new Set();
      for (const line of text?.split('\n') ?? []) {
        const name = line.split(' ', 1)[0];
        if (name) this.loaded.add(normalize(name));
      }
    }
    return this.loaded;
  }

  private builtinModules(): Set<string> {
    if (this.builtin === null) {
      const text = readText(join(this.sysroot, 'lib/modules', this.kernelRelease, 'modules.builtin'));
      this.builtin = new Set();
      for (const line of text?.split('\n') ?? []) {
        // kernel/net/netfilter/nf_conntrack_netlink.ko
        const base = line.trim().split('/').pop() ?? '';
        if (base.endsWith('.ko')) this.builtin.add(normalize(base.slice(0, -3)));
      }
    }
    return this.builtin;
  }

  private configSays(name: string): boolean {
    const symbol = MODULE_CONFIG_SYMBOLS[name];
    if (!symbol) return false;
    return this.kernelConfig().get(symbol) === 'y';
  }

  private kernelConfig(): Map<string, string> {
    if (this.config === null) {
      this.config = new Map();
      let text: string | null = null;
      try {
        text = gunzipSync(readFileSync(join(this.kernelRoot, 'proc/config.gz'))).toString('utf8');
      } catch {
        text = readText(join(this.sysroot, 'boot', `config-${this.kernelRelease}`));
      }
      for (const line of text?.split('\n') ?? []) {
        const eq = line.indexOf('=');
        if (line.startsWith('CONFIG_') && eq > 0) this.config.set(line.slice(0, eq), line.slice(eq + 1).trim());
      }
    }
    return this.config;
  }
}

/** Module names treat - and _ alike (the kernel does); sysfs and /proc/modules use _. */
function normalize(name: string): string {
  return name.replace(/-/g, '_');
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
