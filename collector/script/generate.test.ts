import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../registry/sources.js';
import { generateScript } from './generate.js';
import { shQuote, shWords } from './sh-quote.js';

const RUNTIME = fileURLToPath(new URL('./runtime.sh', import.meta.url));

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1" >/dev/null', 'sh', tool]).status === 0;
}

/** The shells the script must run under; each present one is tested, dash at least. */
const SHELLS: { name: string; argv: string[] }[] = [
  { name: 'dash', argv: ['dash'] },
  { name: 'busybox ash', argv: ['busybox', 'sh'] },
  { name: 'bash --posix', argv: ['bash', '--posix'] },
].filter((s) => has(s.argv[0] as string));

/** Runs `body` in `shell` with runtime.sh sourced; extra args are "$@". */
function inRuntime(shell: string[], body: string, args: string[] = []): { stdout: string; stderr: string; status: number | null } {
  const [program, ...pre] = shell;
  const r = spawnSync(program as string, [...pre, '-c', `. "$0"; ${body}`, RUNTIME, ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('sh quoting', () => {
  it('quotes any text into one word that sh reads back byte for byte', () => {
    const hostile = [`it's`, `'`, `''`, `a'b'c`, '$(rm -rf /)', '`x`', 'a\nb', '\\', '', 'tab\there', 'é配置🚀'];
    const r = spawnSync('dash', ['-c', `for a in ${shWords(hostile)}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    expect(shQuote(`x'y`)).toBe(`'x'\\''y'`);
  });
});

describe('generated script', () => {
  const script = generateScript();
  let dir: string;
  let path: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nodesnap-gen-'));
    path = join(dir, 'collect.sh');
    writeFileSync(path, script);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with a sh shebang and ends by calling main', () => {
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script.trimEnd().endsWith('ns_main "$@"')).toBe(true);
  });

  it.each(SHELLS.map((s) => [s.name, s.argv] as const))('parses under %s (sh -n)', (_name, argv) => {
    const [program, ...pre] = argv;
    const r = spawnSync(program as string, [...pre, '-n', path], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!has('checkbashisms'))('has no bashisms (checkbashisms, Debian policy mode)', () => {
    const r = spawnSync('checkbashisms', ['--extra', path], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('names every source of the registry, in order, and runs each one', () => {
    const names = /^NS_SOURCE_NAMES='([^']*)'$/m.exec(script)?.[1]?.split(' ');
    expect(names).toEqual(SOURCES.map((s) => s.name));
    for (const source of SOURCES) {
      if (source.items.length === 0) continue;
      expect(script, source.name).toMatch(new RegExp(`^  (ns_command|ns_shell|if ns_files_begin) '${source.name}' `, 'm'));
    }
  });

  it('prints its help with every source and exits 0', () => {
    const r = spawnSync('dash', [path, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const s of SOURCES) expect(r.stdout).toContain(`  ${s.name} `);
  });

  it.each([
    [['--bogus'], /unknown option: --bogus/],
    [['--only', 'uname,nope'], /unknown source: nope/],
    [['--skip', 'nope'], /unknown source: nope/],
    [['--since', '2 hours'], /--since: expected a duration/],
    [['--since', '0h'], /--since: expected a duration/],
    [['--pcap', 'eth0;reboot'], /--pcap: not an interface name/],
    [['--pcap-seconds', 'ten'], /--pcap-seconds: expected a whole number/],
    [['--max-size', '12Q'], /--max-size: expected a byte count/],
    [['--sysroot', '/nonexistent/root'], /--sysroot: not a directory/],
    [['--out', '/nonexistent/dir/x.tar.gz'], /--out: folder does not exist/],
    [['--out'], /option --out needs a value/],
  ])('rejects %j with exit 2 before collecting anything', (args, message) => {
    const r = spawnSync('dash', [path, ...args], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe.each(SHELLS.map((s) => [s.name, s.argv] as const))('runtime under %s', (_name, shell) => {
  it('writes JSON strings that parse back to the exact input', () => {
    const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');
    const hostile = ['plain/path-1.2_x', 'say "hi"', 'back\\slash\\', `${controls}\x7f`, 'é ünïcødé 配置 🚀', "it's $(x) `y`", 'trail\n\n', '', '\\"\\n'];
    for (const value of hostile) {
      const r = inRuntime(shell, 'ns_json "$1"; printf "%s" "$NS_J"', [value]);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout), JSON.stringify(value)).toBe(value);
    }
    const array = inRuntime(shell, 'ns_json_array "$@"; printf "%s" "$NS_JA"', hostile);
    expect(JSON.parse(array.stdout)).toEqual(hostile);
  });

  it('encodes paths one a line and decodes them back, keeping byte order for plain names', () => {
    const paths = ['/a/b', '/a/new\nline', '/a/back\\slash', '/a/both\\n\n', '/a/é'];
    const r = inRuntime(shell, 'for p in "$@"; do ns_encode "$p"; printf "%s\\n" "$NS_E"; done', paths);
    const lines = r.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(paths.length);
    const decoded = spawnSync(shell[0] as string, [...shell.slice(1), '-c', `. "$0"; while IFS= read -r l; do ns_decode "$l"; printf "%s\\0" "$NS_D"; done`, RUNTIME], {
      input: r.stdout,
      encoding: 'utf8',
    });
    expect(decoded.status).toBe(0);
    expect(lines[0]).toBe('/a/b');
    expect(decoded.stdout.split('\0').slice(0, -1)).toEqual(paths);
  });

  describe('paths inside a sysroot', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'nodesnap-root-'));
      mkdirSync(join(root, 'var/lib/kubelet/pki'), { recursive: true });
      mkdirSync(join(root, 'opt/k8s'), { recursive: true });
      writeFileSync(join(root, 'var/lib/kubelet/pki/real.pem'), 'x');
      writeFileSync(join(root, 'opt/k8s/admin.conf'), 'y');
      symlinkSync('/var/lib/kubelet/pki/real.pem', join(root, 'var/lib/kubelet/pki/current.pem'));
      symlinkSync('/opt/k8s', join(root, 'etc-k8s'));
      symlinkSync('../../../../../../opt/k8s/admin.conf', join(root, 'var/lib/kubelet/escape.conf'));
      symlinkSync('loop-b', join(root, 'loop-a'));
      symlinkSync('loop-a', join(root, 'loop-b'));
      symlinkSync('/nowhere', join(root, 'dangling'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const canonical = (path: string) => inRuntime(shell, 'NS_R=$1; ns_canonical "$2" && printf "%s" "$NS_CANON"', [root, path]);

    it('resolves absolute links inside the root, never on the host', () => {
      expect(canonical('/var/lib/kubelet/pki/current.pem').stdout).toBe('/var/lib/kubelet/pki/real.pem');
      expect(canonical('/etc-k8s/admin.conf').stdout).toBe('/opt/k8s/admin.conf');
    });

    it('stops ".." at the root', () => {
      expect(canonical('/var/lib/kubelet/escape.conf').stdout).toBe('/opt/k8s/admin.conf');
    });

    it('fails on loops, dangling links and missing paths', () => {
      for (const p of ['/loop-a', '/dangling', '/etc/none']) expect(canonical(p).status, p).not.toBe(0);
    });
  });
});
