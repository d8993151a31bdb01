import { lstat, readlink } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Symlinks followed while resolving one path before giving up (the kernel's limit). */
const MAX_SYMLINK_HOPS = 40;

export class EscapeLoopError extends Error {
  readonly code = 'ELOOP';
}

/**
 * A root folder whose symlinks are resolved inside it: an absolute link target
 * /var/lib/kubelet/pki/x.pem under --sysroot /host means /host/var/lib/kubelet/pki/x.pem, and
 * ".." stops at the root, so nothing outside the root is ever read. With root "/" this is plain
 * symlink resolution.
 */
export class ConfinedRoot {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Host path of a canonical path inside the root ("/etc/x" -> "<root>/etc/x"). */
  hostPath(canonical: string): string {
    if (this.root === '/') return canonical === '' ? '/' : canonical;
    return canonical === '/' ? this.root : `${this.root}${canonical}`;
  }

  /**
   * Resolves every symlink of `path` (an absolute path as seen from inside the root) and returns
   * the canonical path inside the root; throws ENOENT-style errors from lstat, or ELOOP.
   */
  async canonical(path: string): Promise<string> {
    const pending = path.split('/').filter((p) => p.length > 0).reverse();
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.pop() as string;
      if (part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const canonical = `/${[...resolved, part].join('/')}`;
      const info = await lstat(this.hostPath(canonical));
      if (!info.isSymbolicLink()) {
        resolved.push(part);
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS) throw new EscapeLoopError(`too many levels of symbolic links: ${path}`);
      const target = await readlink(this.hostPath(canonical));
      if (target.startsWith('/')) resolved.length = 0;
      const parts = target.split('/').filter((p) => p.length > 0);
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i] as string);
    }
    return `/${resolved.join('/')}`;
  }
}
