import { describe, expect, it } from 'vitest';
import { dockerPsParser, stateFromStatus } from '../../../analyzer/parsers/runtime/docker-ps.js';
import { ctx, fixture, one, table } from './helpers.js';

const parse = (text: string) => dockerPsParser.parse(text, ctx('docker-ps'));

describe('docker ps --format json', () => {
  it('reads Docker 18.09 lines (no State field) and the kubernetes name parts', () => {
    const rows = parse(fixture('docker/ps-18.09.jsonl'));
    expect(table(rows, 'docker_ps')).toHaveLength(4);
    const app = one(rows, 'docker_ps', (r) => r.k8s_container_name === 'operation');
    expect(app).toMatchObject({ state: 'running', k8s_attempt: 760, k8s_type: 'container', pod_namespace: 'ncss-v3', created_at: '2022-01-08T11:05:17.000Z' });
    expect(String(app.command)).toContain('tail -f /etc/hosts');
    expect(one(rows, 'docker_ps', (r) => r.name === 'signature-handwriting')).toMatchObject({ state: 'exited', exit_code: 137 });
    expect(one(rows, 'docker_ps', (r) => r.pod_name === 'redis-0')).toMatchObject({ state: 'created', k8s_type: 'podsandbox', k8s_attempt: 3 });
  });

  it('reads Docker 27 lines with CRLF and reports the cut last line', () => {
    const rows = parse(fixture('docker/ps-27-crlf.jsonl'));
    expect(table(rows, 'docker_ps').map((r) => r.state)).toEqual(['running', 'restarting', 'created']);
    expect(one(rows, 'docker_ps', (r) => r.name === 'portainer').ports).toContain('0.0.0.0:9000->9000/tcp');
    expect(table(rows, 'parse_errors')).toEqual([{ line: 4, message: expect.stringContaining('not a JSON object') }]);
  });

  it('derives state from status texts', () => {
    expect(stateFromStatus('Up 2 hours (Paused)')).toBe('paused');
    expect(stateFromStatus('Up 5 minutes (healthy)')).toBe('running');
    expect(stateFromStatus('Dead')).toBe('dead');
    expect(stateFromStatus('weird')).toBeNull();
  });
});
