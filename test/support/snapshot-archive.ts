import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Manifest, SnapshotHeader } from '../../collector/registry/manifest.js';

/** A snapshot tarball read back whole (test snapshots are small): members in archive order. */
export interface ReadSnapshot {
  /** The top folder every member sits under. */
  top: string;
  /** Member paths below the top folder, in archive order (file entries only). */
  order: string[];
  members: Map<string, Buffer>;
  /** Entries that are not regular files (directories, links), by full name. */
  otherEntries: string[];
  header: SnapshotHeader;
  manifest: Manifest;
}

export async function readSnapshot(path: string): Promise<ReadSnapshot> {
  const members = new Map<string, Buffer>();
  const order: string[] = [];
  const otherEntries: string[] = [];
  const tops = new Set<string>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c) => {
      chunks.push(c as Buffer);
    });
    stream.on('end', () => {
      const slash = header.name.indexOf('/');
      if (header.type !== 'file') otherEntries.push(header.name);
      else {
        tops.add(header.name.slice(0, slash));
        const member = header.name.slice(slash + 1);
        order.push(member);
        members.set(member, Buffer.concat(chunks));
      }
      next();
    });
    stream.resume();
  });
  await pipeline(createReadStream(path), createGunzip(), extract);
  if (tops.size !== 1) throw new Error(`expected one top folder, got ${[...tops].join(', ')}`);
  const json = (name: string) => {
    const data = members.get(name);
    if (!data) throw new Error(`no ${name} in ${path}`);
    return JSON.parse(data.toString('utf8')) as unknown;
  };
  return {
    top: [...tops][0] as string,
    order,
    members,
    otherEntries,
    header: json('snapshot.json') as SnapshotHeader,
    manifest: json('manifest.json') as Manifest,
  };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
