import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import type { FileItem } from '../registry/types.js';
import type { ConfinedRoot } from './sysroot-fs.js';

/** A regular file a file item matched. */
export interface MatchedFile {
  /** The path as matched (links not resolved), as seen on the node: what the manifest records. */
  path: string;
  /** The same file with every symlink resolved inside the root. */
  canonical: string;
  stat: Stats;
}

/** Entries looked at by one `find` spec before it stops: a bound on a runaway tree. */
const MAX_FIND_ENTRIES = 200_000;

interface Located {
  path: string;
  canonical: string;
}

/**
 * Expands a file item's patterns (`*` within one level, dot-files excluded, like sh) and its
 * bounded `find` specs (names are globs, dot-files included, like find -name), following
 * symlinks inside the root. Returns regular files only, deduplicated, sorted by path.
 */
export async function matchFiles(root: ConfinedRoot, item: Pick<FileItem, 'patterns' | 'find'>): Promise<MatchedFile[]> {
  const found = new Map<string, Located>();
  for (const pattern of item.patterns) {
    for (const hit of await expandPattern(root, pattern)) found.set(hit.path, hit);
  }
  for (const spec of item.find ?? []) {
    for (const hit of await findUnder(root, spec)) found.set(hit.path, hit);
  }
  const files: MatchedFile[] = [];
  for (const hit of found.values()) {
    try {
      const info = await stat(root.hostPath(hit.canonical));
      if (info.isFile()) files.push({ ...hit, stat: info });
    } catch {
      // vanished or unreadable metadata: nothing to collect
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether a path segment uses glob syntax. */
function isGlob(segment: string): boolean {
  return /[*?[]/.test(segment);
}

/** Glob of one path segment as an anchored regular expression (`*`, `?`, `[...]`). */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

async function expandPattern(root: ConfinedRoot, pattern: string): Promise<Located[]> {
  const segments = pattern.split('/').filter((s) => s.length > 0);
  let current: Located[] = [{ path: '', canonical: '' }];
  for (const segment of segments) {
    const next: Located[] = [];
    if (!isGlob(segment)) {
      for (const dir of current) {
        const child = await locateChild(root, dir, segment, null);
        if (child) next.push(child);
      }
    } else {
      const matcher = globToRegExp(segment);
      const allowDot = segment.startsWith('.');
      for (const dir of current) {
        for (const entry of await listDir(root, dir)) {
          if (!allowDot && entry.name.startsWith('.')) continue;
          if (!matcher.test(entry.name)) continue;
          const child = await locateChild(root, dir, entry.name, entry);
          if (child) next.push(child);
        }
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current.filter((c) => c.path !== '');
}

async function findUnder(root: ConfinedRoot, spec: { dir: string; maxDepth: number; names: string[] }): Promise<Located[]> {
  const matchers = spec.names.map(globToRegExp);
  const hits: Located[] = [];
  let start: Located;
  try {
    start = { path: spec.dir.replace(/\/+$/, ''), canonical: await root.canonical(spec.dir) };
  } catch {
    return hits;
  }
  const visited = new Set<string>();
  let budget = MAX_FIND_ENTRIES;
  const walk = async (dir: Located, depth: number): Promise<void> => {
    try {
      const info = await stat(root.hostPath(dir.canonical));
      const key = `${info.dev}:${info.ino}`;
      if (!info.isDirectory() || visited.has(key)) return;
      visited.add(key);
    } catch {
      return;
    }
    for (const entry of await listDir(root, dir)) {
      if (--budget < 0) return;
      const child = await locateChild(root, dir, entry.name, entry);
      if (!child) continue;
      if (matchers.some((m) => m.test(entry.name))) hits.push(child);
      if (depth < spec.maxDepth && (entry.isDirectory() || entry.isSymbolicLink())) await walk(child, depth + 1);
    }
  };
  await walk(start, 1);
  return hits;
}

async function listDir(root: ConfinedRoot, dir: Located): Promise<Dirent[]> {
  try {
    const entries = await readdir(root.hostPath(dir.canonical || '/'), { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** The child `name` of a located folder, links resolved inside the root; null when it does not exist. */
async function locateChild(root: ConfinedRoot, dir: Located, name: string, entry: Dirent | null): Promise<Located | null> {
  const path = `${dir.path}/${name}`;
  const direct = `${dir.canonical}/${name}`;
  try {
    const isLink = entry ? entry.isSymbolicLink() : (await lstat(root.hostPath(direct))).isSymbolicLink();
    return { path, canonical: isLink ? await root.canonical(direct) : direct };
  } catch {
    return null;
  }
}
