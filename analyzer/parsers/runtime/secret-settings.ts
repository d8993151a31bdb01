/**
 * Settings that hold key material: a Secret's data, EncryptionConfiguration's `secret`,
 * containerd registry credentials (`auth`, `password`, `identitytoken`). The collector redacts
 * what it recognises; this keeps whatever slipped through out of the database.
 */
import type { FlatEntry } from './flatten.js';

const SECRET_LEAF = /(?:^|\.)(?:secret|password|token|identitytoken|auth)$/i;
const MARKER = '<REDACTED>';

function isSecretSetting(kind: string | null, key: string): boolean {
  if (kind === 'Secret' && /^(?:data|stringData)\./.test(key)) return true;
  return SECRET_LEAF.test(key.replace(/\[\d+\]/g, ''));
}

/** The entry, with its value replaced by the redaction marker when it is key material. */
export function maskSecret(entry: FlatEntry, kind: string | null = null): FlatEntry {
  if (entry.value === 'null' || entry.value.includes(MARKER) || !isSecretSetting(kind, entry.key)) return entry;
  return { key: entry.key, value: JSON.stringify(MARKER), text: MARKER };
}
