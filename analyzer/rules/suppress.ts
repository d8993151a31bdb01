/**
 * --suppress FILE: findings a team has accepted. YAML or JSON:
 *
 *   suppressions:
 *     - rule: kernel/somaxconn-low        # rule id; * and ? globs allowed
 *       node: "worker-*"                  # optional, default *
 *       resource: "*"                     # optional, default *
 *       reason: "OPS-1234: tuned by the ingress team"
 *       expires: 2027-01-31               # optional; after it the suppression no longer applies
 *
 * Suppressed findings stay in every output, marked, with the reason.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Finding } from './engine.js';

export interface Suppression {
  rule: string;
  node: string;
  resource: string;
  reason: string;
  expires: string | null;
}

export class SuppressionFileError extends Error {}

function globToRegex(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}

export function parseSuppressions(text: string, file: string): Suppression[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new SuppressionFileError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { suppressions?: unknown } | null)?.suppressions;
  if (!Array.isArray(list)) throw new SuppressionFileError(`${file}: expected a list under "suppressions"`);
  return list.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    const where = `${file}: suppression ${i + 1}`;
    if (typeof e.rule !== 'string' || !e.rule) throw new SuppressionFileError(`${where}: "rule" is required`);
    if (typeof e.reason !== 'string' || !e.reason.trim()) throw new SuppressionFileError(`${where}: "reason" is required`);
    let expires: string | null = null;
    if (e.expires !== undefined && e.expires !== null) {
      const d = e.expires instanceof Date ? e.expires : new Date(String(e.expires));
      if (Number.isNaN(d.getTime())) throw new SuppressionFileError(`${where}: "expires" is not a date`);
      expires = d.toISOString();
    }
    return {
      rule: e.rule,
      node: typeof e.node === 'string' ? e.node : '*',
      resource: typeof e.resource === 'string' ? e.resource : '*',
      reason: e.reason.trim(),
      expires,
    };
  });
}

export function loadSuppressions(file: string): Suppression[] {
  return parseSuppressions(readFileSync(file, 'utf8'), file);
}

/** A matcher for the engine: the reason of the first live suppression that covers a finding. */
export function suppressionMatcher(list: readonly Suppression[], now: Date): (f: Pick<Finding, 'rule' | 'node' | 'resource'>) => string | null {
  const live = list
    .filter((s) => s.expires === null || new Date(s.expires) > now)
    .map((s) => ({ s, rule: globToRegex(s.rule), node: globToRegex(s.node), resource: globToRegex(s.resource) }));
  return (f) => {
    for (const m of live) if (m.rule.test(f.rule) && m.node.test(f.node) && m.resource.test(f.resource)) return m.s.reason;
    return null;
  };
}

export function expiredSuppressions(list: readonly Suppression[], now: Date): Suppression[] {
  return list.filter((s) => s.expires !== null && new Date(s.expires) <= now);
}
