import { SOURCE_NAMES } from '../../collector/registry/sources.js';
import { BUILTIN_RULES_DIR, loadRules } from './rule-files.js';
import type { Rule } from './types.js';

/** The built-in rules plus those of every --rules folder. */
export async function loadAllRules(extraDirs: readonly string[] = [], builtin = true): Promise<Rule[]> {
  const roots = [...(builtin ? [BUILTIN_RULES_DIR()] : []), ...extraDirs];
  return loadRules(roots, new Set(SOURCE_NAMES));
}
