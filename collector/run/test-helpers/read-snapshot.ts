import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Manifest } from '../../registry/manifest.js';

/** A snapshot read back from its .tar.gz, for tests. */
export interface ReadSnapshot {
  /** Member paths in archive order, top folder included. */
  names: string[];
  top: string;
  /** Member bytes by path relative to the top folder. */
  members: Map<string, Buffer>;
  manifest: Manifest;
}

export async function readSnapshot(path: string): Promise<ReadSnapshot> {
  const extract = tar.extract();
  const names: string[] = [];
  const members = new Map<string, Buffer>();
  const reading = (async () => {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      for await (const chunk of entry) parts.push(chunk as Buffer);
      names.push(entry.header.name);
      members.set(entry.header.name.slice(entry.header.name.indexOf('/') + 1), Buffer.concat(parts));
    }
  })();
  createReadStream(path).pipe(createGunzip()).pipe(extract as unknown as NodeJS.WritableStream);
  await reading;
  const top = (names[0] ?? '').split('/')[0] ?? '';
  const manifestBytes = members.get('manifest.json');
  if (!manifestBytes) throw new Error(`no manifest.json in ${path}`);
  return { names, top, members, manifest: JSON.parse(manifestBytes.toString('utf8')) as Manifest };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every problem with the manifest's member records, empty when they all match the archive. */
export function checksumProblems(snapshot: ReadSnapshot): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const item of snapshot.manifest.items) {
    for (const record of [item.output, item.stderr]) {
      if (!record) continue;
      listed.add(record.member);
      const data = snapshot.members.get(record.member);
      if (!data) problems.push(`${record.member}: listed but not in the archive`);
      else if (data.length !== record.bytes) problems.push(`${record.member}: ${data.length} bytes, manifest says ${record.bytes}`);
      else if (sha256(data) !== record.sha256) problems.push(`${record.member}: sha256 mismatch`);
    }
  }
  for (const member of snapshot.members.keys()) {
    if (member !== 'manifest.json' && !listed.has(member)) problems.push(`${member}: in the archive but not in the manifest`);
  }
  return problems;
}
