/**
 * One X.509 certificate (DER) into a `certs` row and its `cert_sans` rows, with node:crypto's
 * X509Certificate for what it exposes and der.ts for the rest (signature algorithm, key ids,
 * exact validity).
 */
import { X509Certificate } from 'node:crypto';
import type { Row } from '../types.js';
import { readCertificateDer } from './der.js';
import { EXTENDED_KEY_USAGES, SIGNATURE_ALGORITHMS } from './signature-algorithms.js';

export interface CertOrigin {
  member: string;
  path: string;
  /** 'file' for a certificate file, else the kubeconfig field it was embedded in. */
  source_field: string;
  bundle_index: number;
}

const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
};

/** "C=CN\nO=system:masters\nCN=admin" (node's form) as "C=CN, O=system:masters, CN=admin". */
function oneLineName(name: string): string {
  return name.split('\n').join(', ');
}

function commonName(name: string): string | null {
  const cn = name.split('\n').filter((l) => l.startsWith('CN='));
  return cn.length > 0 ? (cn[cn.length - 1] as string).slice(3) : null;
}

/** Splits node's subjectAltName ("DNS:a, IP Address:10.0.0.1", values with ", " quoted) into entries. */
export function splitSans(sans: string): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  let i = 0;
  while (i < sans.length) {
    const colon = sans.indexOf(':', i);
    if (colon < 0) break;
    const type = sans.slice(i, colon).trim();
    let value = '';
    let j = colon + 1;
    if (sans[j] === '"') {
      // JSON-style quoted value
      let k = j + 1;
      while (k < sans.length && sans[k] !== '"') k += sans[k] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(sans.slice(j, k + 1)) as string;
      } catch {
        value = sans.slice(j + 1, k);
      }
      j = k + 1;
    } else {
      const next = sans.indexOf(', ', j);
      value = sans.slice(j, next < 0 ? undefined : next);
      j = next < 0 ? sans.length : next;
    }
    out.push({ type, value });
    i = sans.startsWith(', ', j) ? j + 2 : j + 1;
  }
  return out;
}

function keyFacts(cert: X509Certificate): { key_type: string | null; key_bits: number | null; key_curve: string | null } {
  const key = cert.publicKey;
  const type = key.asymmetricKeyType ?? null;
  const details = key.asymmetricKeyDetails ?? {};
  const curve = details.namedCurve ?? null;
  let bits = details.modulusLength ?? null;
  if (bits === null && curve !== null) bits = CURVE_BITS[curve] ?? null;
  if (type === 'ed25519') bits = 256;
  if (type === 'ed448') bits = 456;
  return { key_type: type, key_bits: bits, key_curve: curve };
}

function selfSigned(cert: X509Certificate): 0 | 1 {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey) ? 1 : 0;
  } catch {
    return 0;
  }
}

export function certificateRows(der: Buffer, origin: CertOrigin): { cert: Row; sans: Row[] } {
  const cert = new X509Certificate(der);
  const raw = readCertificateDer(der);
  const sig = SIGNATURE_ALGORITHMS[raw.signatureOid];
  const fingerprint = cert.fingerprint256;
  const sanList = cert.subjectAltName ? splitSans(cert.subjectAltName) : [];
  const eku = (cert.keyUsage ?? []).map((oid) => EXTENDED_KEY_USAGES[oid] ?? oid);
  return {
    cert: {
      ...origin,
      subject: oneLineName(cert.subject),
      subject_cn: commonName(cert.subject),
      issuer: oneLineName(cert.issuer),
      issuer_cn: commonName(cert.issuer),
      serial: cert.serialNumber.toUpperCase(),
      not_before: raw.notBefore,
      not_after: raw.notAfter,
      sans: cert.subjectAltName ?? null,
      ...keyFacts(cert),
      signature_algorithm: sig?.name ?? raw.signatureOid,
      signature_hash: sig ? sig.hash : null,
      is_ca: cert.ca ? 1 : 0,
      self_signed: selfSigned(cert),
      ext_key_usage: eku.length > 0 ? eku.join(',') : null,
      fingerprint_sha256: fingerprint,
      subject_key_id: raw.subjectKeyId,
      authority_key_id: raw.authorityKeyId,
      der_base64: der.toString('base64'),
    },
    sans: sanList.map((s) => ({ member: origin.member, path: origin.path, source_field: origin.source_field, bundle_index: origin.bundle_index, fingerprint_sha256: fingerprint, type: s.type, value: s.value })),
  };
}
