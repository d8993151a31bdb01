import { SEVERITIES, type RuleMeta, type RuleParameter, type Severity } from './types.js';

/** Problems with a rule's metadata, in words; empty when it is valid. `expectedId` comes from its path. */
export function metadataProblems(raw: Record<string, unknown>, expectedId: string, knownSources: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const text = (key: string) => {
    const v = raw[key];
    if (typeof v !== 'string' || v.trim() === '') problems.push(`${key} must be a non-empty string`);
  };
  if (raw.id !== expectedId) problems.push(`id must be "${expectedId}" (its path), found ${JSON.stringify(raw.id)}`);
  const category = expectedId.split('/')[0];
  if (raw.category !== category) problems.push(`category must be "${category}" (its folder), found ${JSON.stringify(raw.category)}`);
  text('title');
  text('description');
  text('remediation');
  if (!(SEVERITIES as readonly unknown[]).includes(raw.severity)) problems.push(`severity must be one of ${SEVERITIES.join(', ')}`);
  if (!Array.isArray(raw.references) || raw.references.some((r) => typeof r !== 'string')) problems.push('references must be a list of strings');
  // an empty list is for rules that read only what the loader records (manifest, files, errors)
  if (!Array.isArray(raw.sources) || raw.sources.some((s) => typeof s !== 'string')) {
    problems.push('sources must be a list of source names');
  } else {
    for (const entry of raw.sources as string[]) {
      for (const alt of entry.split('|')) if (!knownSources.has(alt)) problems.push(`unknown source "${alt}"`);
    }
  }
  const params = raw.parameters ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    problems.push('parameters must be a map of name -> {default, description}');
  } else {
    for (const [name, p] of Object.entries(params as Record<string, unknown>)) {
      const param = p as Partial<RuleParameter> | null;
      if (!/^[a-z][a-z0-9_]*$/.test(name)) problems.push(`parameter name "${name}" must be snake_case`);
      if (!param || !['number', 'string', 'boolean'].includes(typeof param.default)) problems.push(`parameter ${name} needs a number, string or boolean default`);
      if (!param || typeof param.description !== 'string') problems.push(`parameter ${name} needs a description`);
    }
  }
  return problems;
}

export function toMeta(raw: Record<string, unknown>, file: string): RuleMeta {
  return {
    id: raw.id as string,
    title: (raw.title as string).trim(),
    severity: raw.severity as Severity,
    category: raw.category as string,
    description: (raw.description as string).trim(),
    remediation: (raw.remediation as string).trim(),
    references: (raw.references as string[]) ?? [],
    sources: raw.sources as string[],
    parameters: (raw.parameters as Record<string, RuleParameter>) ?? {},
    file,
  };
}
