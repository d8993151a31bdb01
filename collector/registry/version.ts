import { readFileSync } from 'node:fs';

function packageVersion(): string {
  // dist/collector/registry/version.js and collector/registry/version.ts both sit two folders below
  // the package root (dist adds one more), so look upwards for package.json.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nodesnap' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

export const NODESNAP_VERSION = packageVersion();
