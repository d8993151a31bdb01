import { execFileSync } from 'node:child_process';

/** Runs `ip ...` and fails loudly. */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Network namespaces made by a test, named after the test process so parallel runs do not clash. */
export class TestNamespaces {
  private readonly made: string[] = [];

  add(label: string): string {
    const name = `nodesnap-${label}-${process.pid}`;
    ip('netns', 'add', name);
    this.made.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    return name;
  }

  /** A veth pair between two namespaces, each end addressed and up. */
  veth(a: string, aEnd: string, aAddr: string, b: string, bEnd: string, bAddr: string): void {
    ip('link', 'add', aEnd, 'netns', a, 'type', 'veth', 'peer', 'name', bEnd, 'netns', b);
    ip('-n', a, 'addr', 'add', aAddr, 'dev', aEnd);
    ip('-n', b, 'addr', 'add', bAddr, 'dev', bEnd);
    ip('-n', a, 'link', 'set', aEnd, 'up');
    ip('-n', b, 'link', 'set', bEnd, 'up');
  }

  removeAll(): void {
    for (const name of this.made.splice(0)) {
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
    }
  }
}

export const canUseNetns = (): boolean => {
  if (process.geteuid?.() !== 0) return false;
  try {
    ip('netns', 'list');
    return true;
  } catch {
    return false;
  }
};
