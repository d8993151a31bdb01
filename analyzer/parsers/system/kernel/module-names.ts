/**
 * Module names as the kernel uses them: modules.builtin and modprobe accept '-' and '_' alike,
 * /proc/modules and /sys/module always show '_'.
 */
import { MODULE_CONFIG_SYMBOLS } from '../../../../collector/registry/kernel-modules.js';

export function normaliseModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** Config symbol -> module names it builds (inverse of MODULE_CONFIG_SYMBOLS). */
export const MODULES_OF_CONFIG_SYMBOL: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [module, symbol] of Object.entries(MODULE_CONFIG_SYMBOLS)) {
    const list = map.get(symbol) ?? [];
    list.push(module);
    map.set(symbol, list);
  }
  return map;
})();
