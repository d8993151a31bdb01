import type { AnalyzerRegistry } from './registry.js';

/** Imports a module exporting `registry` (how worker threads get parsers: functions cannot be posted to them). */
export async function importRegistry(moduleUrl: string): Promise<AnalyzerRegistry> {
  const mod = (await import(moduleUrl)) as { registry?: Partial<AnalyzerRegistry> };
  const registry = mod.registry;
  if (!registry || typeof registry.parserFor !== 'function' || !Array.isArray(registry.tables) || !Array.isArray(registry.sources)) {
    throw new Error(`${moduleUrl} does not export a registry { parserFor, tables, sources }`);
  }
  return registry as AnalyzerRegistry;
}
