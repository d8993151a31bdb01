import { describe, expect, it } from 'vitest';
import { configPathOf, joinArgv } from '../../../analyzer/parsers/runtime/components.js';
import { parseEnvFile } from '../../../analyzer/parsers/runtime/env-file.js';
import { flatten } from '../../../analyzer/parsers/runtime/flatten.js';
import { readJsonArrayElements, readJsonValues } from '../../../analyzer/parsers/runtime/json-values.js';
import { kubeIdentity, parseKubeContainerName } from '../../../analyzer/parsers/runtime/kube-names.js';
import { criTime, dockerPsTime, isoUtc } from '../../../analyzer/parsers/runtime/timestamps.js';

describe('env files', () => {
  const vars = (text: string) => Object.fromEntries(parseEnvFile(text).vars.map((v) => [v.key, v.value]));

  it('removes quotes, keeps inner spaces and escapes like sh', () => {
    expect(vars(`A='x "y" z'\nB="a \\"b\\" \\$c \\d"\nexport C=plain value  \nD=\nE=x#notacomment\n`)).toEqual({
      A: 'x "y" z',
      B: 'a "b" $c \\d',
      C: 'plain value',
      D: '',
      E: 'x#notacomment',
    });
  });

  it('joins continued lines, reads comments and reports what is not an assignment', () => {
    const env = parseEnvFile('# comment\nOPTS="--a \\\n  --b"\nUNQ=--x \\\n--y\n  # indented comment\nfi\n1BAD=x\nNOEQ\ngarbage here\n');
    expect(env.vars.map((v) => [v.key, v.value, v.line])).toEqual([
      ['OPTS', '--a   --b', 2],
      ['UNQ', '--x --y', 4],
    ]);
    expect(env.errors.map((e) => e.line)).toEqual([8, 9, 10]);
  });

  it('reports an unterminated quote and keeps what it read', () => {
    const env = parseEnvFile("A='open\nB=1\n");
    expect(env.errors).toHaveLength(1);
    expect(env.vars[0]?.key).toBe('A');
  });
});

describe('JSON readers', () => {
  it('reads back-to-back documents and reports a broken one between good ones', () => {
    const r = readJsonValues('{"a":1}\n{"b":"}"}\n{"c": nope}\n[1,2]\n');
    expect(r.values.map((v) => v.value)).toEqual([{ a: 1 }, { b: '}' }, [1, 2]]);
    expect(r.values.map((v) => v.line)).toEqual([1, 2, 4]);
    expect(r.errors).toEqual([{ line: 3, message: expect.stringContaining('invalid JSON') }]);
  });

  it('reads the elements of a cut array, braces inside strings included', () => {
    const r = readJsonArrayElements('[\n {"Id": "a", "Cmd": "echo {[\\"x"},\n {"Id": "b"},\n {"Id": "c", "Na');
    expect(r.values.map((v) => (v.value as { Id: string }).Id)).toEqual(['a', 'b']);
    expect(r.errors).toHaveLength(1);
  });
});

describe('flatten', () => {
  it('walks objects, indexes arrays of objects, keeps scalar arrays and quotes odd segments', () => {
    expect(flatten({ a: { 'b.c': 1, d: [1, 2] }, e: [{ f: null }], g: {}, h: [] })).toEqual([
      { key: 'a."b.c"', value: '1', text: '1' },
      { key: 'a.d', value: '[1,2]', text: null },
      { key: 'e[0].f', value: 'null', text: null },
      { key: 'g', value: '{}', text: null },
      { key: 'h', value: '[]', text: null },
    ]);
  });
});

describe('timestamps', () => {
  it('normalises docker, docker ps and crictl times to ISO UTC', () => {
    expect(isoUtc('2019-03-01T08:42:23.123456789Z')).toBe('2019-03-01T08:42:23.123Z');
    expect(isoUtc('0001-01-01T00:00:00Z')).toBeNull();
    expect(dockerPsTime('2019-03-01 16:42:23 +0800 CST')).toBe('2019-03-01T08:42:23.000Z');
    expect(dockerPsTime('2024-09-04 12:00:00 -0530 -0530')).toBe('2024-09-04T17:30:00.000Z');
    expect(criTime('1725156669312964435')).toBe('2024-09-01T02:11:09.312Z');
    expect(criTime('0')).toBeNull();
    expect(criTime(1725156669312964435)).toBe('2024-09-01T02:11:09.312Z');
  });
});

describe('kubernetes names', () => {
  it('parses dockershim names and refuses other names', () => {
    expect(parseKubeContainerName('/k8s_POD_redis-0_db_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0_3')).toMatchObject({ k8s_type: 'podsandbox', pod_name: 'redis-0', k8s_attempt: 3, k8s_container_name: null });
    expect(parseKubeContainerName('k8s_only_three_parts')).toBeNull();
    expect(parseKubeContainerName('portainer')).toBeNull();
  });

  it('prefers labels and infers the type from them', () => {
    expect(kubeIdentity({ 'io.kubernetes.pod.name': 'p', 'io.kubernetes.container.name': 'c' }, 'x', { 'io.kubernetes.container.restartCount': '4' })).toMatchObject({ k8s_type: 'container', k8s_container_name: 'c', k8s_attempt: 4 });
    expect(kubeIdentity({ 'io.kubernetes.pod.name': 'p' }, 'x')).toMatchObject({ k8s_type: 'podsandbox' });
    expect(kubeIdentity(null, 'web')).toMatchObject({ k8s_type: null, pod_name: null });
  });
});

describe('component rows', () => {
  it('picks the config flag and quotes words that need it', () => {
    expect(configPathOf([{ flag: 'kubeconfig', value: '/k' }, { flag: 'config', value: '/c' }])).toBe('/c');
    expect(configPathOf([{ flag: 'config', value: 'true' }])).toBeNull();
    expect(joinArgv(['/bin/sh', '-c', "echo 'hi' there", ''])).toBe("/bin/sh -c 'echo '\\''hi'\\'' there' ''");
  });
});
