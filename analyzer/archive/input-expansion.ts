import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HEADER_NAME, MANIFEST_NAME } from '../../collector/registry/layout.js';

/** One node to analyze: a tarball, an unpacked snapshot folder, or an argument that is neither. */
export interface NodeInput {
  /** The path as the user gave it, or found inside a folder argument (for messages and the nodes table). */
  input: string;
  kind: 'tarball' | 'folder' | 'unknown';
  /** Why an 'unknown' input cannot be analyzed. */
  problem?: string;
}

const TARBALL_NAME = /\.(tar\.gz|tgz|tar)$/i;

async function isSnapshotFolder(dir: string): Promise<boolean> {
  for (const name of [HEADER_NAME, MANIFEST_NAME]) {
    const found = await stat(join(dir, name)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (found) return true;
  }
  return false;
}

/** A folder argument that is not itself a snapshot: the snapshot folders and tarballs one level below it. */
async function snapshotsInside(dir: string): Promise<NodeInput[]> {
  const dirents: Dirent[] = await readdir(dir, { withFileTypes: true });
  dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: NodeInput[] = [];
  for (const dirent of dirents) {
    const path = join(dir, dirent.name);
    // follow symlinks here: a folder of links to tarballs is a reasonable way to pick a batch
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    if (info.isDirectory() && (await isSnapshotFolder(path))) found.push({ input: path, kind: 'folder' });
    else if (info.isFile() && TARBALL_NAME.test(dirent.name)) found.push({ input: path, kind: 'tarball' });
  }
  return found;
}

/**
 * Expands command-line arguments into node inputs, in argument order (folder contents sorted by
 * name). Arguments that cannot be analyzed stay in the list as 'unknown' with the problem, so that
 * they are reported like any other unreadable input. The same path given twice is analyzed once.
 */
export async function expandInputs(args: readonly string[]): Promise<NodeInput[]> {
  const out: NodeInput[] = [];
  const seen = new Set<string>();
  const push = (node: NodeInput) => {
    const key = resolve(node.input);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(node);
  };
  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch (err) {
      push({ input: arg, kind: 'unknown', problem: `cannot open input: ${(err as Error).message}` });
      continue;
    }
    if (info.isFile()) {
      // the content decides (gzip magic, tar header), not the name
      push({ input: arg, kind: 'tarball' });
    } else if (!info.isDirectory()) {
      push({ input: arg, kind: 'unknown', problem: 'input is neither a file nor a folder' });
    } else if (await isSnapshotFolder(arg)) {
      push({ input: arg, kind: 'folder' });
    } else {
      let inside: NodeInput[];
      try {
        inside = await snapshotsInside(arg);
      } catch (err) {
        push({ input: arg, kind: 'unknown', problem: `cannot list folder: ${(err as Error).message}` });
        continue;
      }
      if (inside.length === 0) {
        push({
          input: arg,
          kind: 'unknown',
          problem: `no snapshot in folder: expected ${HEADER_NAME} or ${MANIFEST_NAME}, snapshot folders, or .tar.gz/.tgz/.tar files`,
        });
      }
      inside.forEach(push);
    }
  }
  return out;
}
