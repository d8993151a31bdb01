/**
 * Secrets never leave the node. Public API of the redaction used by the Node collector
 * (createRedactor, streaming) and by the generated sh collector (sedProgram, grepCountPattern).
 * The rules are data (rules.ts); the two engines are proven to agree byte for byte by tests.
 */
export type { RedactionRule, SubstituteRule, BlockRule, NextLineRule, Substitution } from './types.js';
export { REDACTION_RULES, REDACTED, REDACTED_PRIVATE_KEY } from './rules.js';
export { createRedactor, redactText, type Redactor } from './redactor.js';
export { isPrivateKeyPath, PRIVATE_KEY_NAME_ERES } from './private-key-path.js';
export { sedProgram, grepCountPattern, ruleIgnoresCase } from './sed.js';
export { MAX_RECORDED_LINES } from './line-redactor.js';
