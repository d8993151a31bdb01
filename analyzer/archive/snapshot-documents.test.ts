import { describe, expect, it } from 'vitest';
import { readManifest, readSnapshotHeader } from './snapshot-documents.js';

describe('snapshot.json and manifest.json are read defensively', () => {
  it('takes what fits and reports what does not', () => {
    const header = readSnapshotHeader(JSON.stringify({ format: 'other', formatVersion: 9, hostname: 42, machineId: 'abc', collectedAt: '2024-01-01T00:00:00Z', clock: { utcOffset: '+0800' }, root: 'yes' }));
    expect(header.value).toMatchObject({ hostname: null, machineId: 'abc', utcOffset: '+0800', timezone: null, root: null, formatVersion: 9 });
    expect(header.problems).toEqual([expect.stringContaining('format is "other"'), expect.stringContaining('newer than this analyzer')]);
    expect(readSnapshotHeader('{not json').value).toBeNull();
    expect(readSnapshotHeader('[1,2]').problems).toEqual(['snapshot.json is not a JSON object']);
  });

  it('drops malformed manifest items and keeps the rest', () => {
    const manifest = readManifest(
      JSON.stringify({
        format: 'nodesnap-snapshot',
        formatVersion: 1,
        finishedAt: '2024-01-01T00:01:00Z',
        items: [
          { source: 'uname', item: 'uname', kind: 'command', status: 'ok', durationMs: 3, truncated: false, output: { member: 'uname/uname.txt', bytes: 10, sha256: 'AB' } },
          { source: 'x', status: 'exploded' },
          'nonsense',
          { source: 'y', status: 'ok', output: { member: 'y/y.txt' } },
        ],
        redactions: [{ member: 'a', rule: 'env-secret', count: 1, lines: [1, 'x', 2.5, 3] }, { rule: 'no member' }],
      }),
    );
    expect(manifest.value?.items).toEqual([
      { source: 'uname', item: 'uname', kind: 'command', status: 'ok', durationMs: 3, truncated: false, output: { member: 'uname/uname.txt', bytes: 10, sha256: 'ab' } },
    ]);
    expect(manifest.value?.redactions).toEqual([{ member: 'a', rule: 'env-secret', count: 1, lines: [1, 3] }]);
    expect(manifest.problems).toHaveLength(4);
  });
});
