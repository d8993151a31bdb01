/**
 * Just enough DER to read what node:crypto's X509Certificate does not expose: the signature
 * algorithm, the subject/authority key identifiers and the exact validity instants.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
 *                                 subjectPublicKeyInfo, [1] [2] unique ids OPTIONAL, [3] extensions OPTIONAL }
 */

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  body: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(buf: Uint8Array, offset: number): Tlv {
  if (offset + 2 > buf.length) throw new Error('DER: truncated header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not used in certificates');
  let len = buf[offset + 1] as number;
  let body = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || body + n > buf.length) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[body + i] as number);
    body += n;
  }
  const end = body + len;
  if (end > buf.length) throw new Error('DER: content runs past the end');
  return { tag, start: offset, body, end };
}

export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.body; at < parent.end; ) {
    const t = readTlv(buf, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

export function oidOf(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06) throw new Error('DER: not an OBJECT IDENTIFIER');
  const parts: number[] = [];
  let value = 0;
  for (let i = t.body; i < t.end; i++) {
    const b = buf[i] as number;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

/** UTCTime (YYMMDDHHMMSSZ, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z) as ISO 8601 UTC. */
export function timeOf(buf: Uint8Array, t: Tlv): string {
  const s = Buffer.from(buf.subarray(t.body, t.end)).toString('latin1');
  let m: RegExpExecArray | null;
  if (t.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s))) {
    const yy = Number(m[1]);
    return `${yy >= 50 ? 1900 + yy : 2000 + yy}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.000Z`;
  }
  if (t.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/.exec(s))) {
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  }
  throw new Error(`DER: unsupported time ${s}`);
}

/** Bytes as upper-case hex pairs joined by colons, the way openssl prints key identifiers. */
export function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

export interface CertificateDer {
  signatureOid: string;
  notBefore: string;
  notAfter: string;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
}

const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

function keyIdentifiers(buf: Uint8Array, extensions: Tlv): { ski: string | null; aki: string | null } {
  let ski: string | null = null;
  let aki: string | null = null;
  const [list] = childrenOf(buf, extensions);
  if (!list) return { ski, aki };
  for (const ext of childrenOf(buf, list)) {
    const parts = childrenOf(buf, ext);
    const oid = parts[0] ? oidOf(buf, parts[0]) : '';
    const wrapped = parts[parts.length - 1];
    if (!wrapped || wrapped.tag !== 0x04) continue;
    if (oid === OID_SUBJECT_KEY_ID) {
      const inner = readTlv(buf, wrapped.body);
      if (inner.tag === 0x04) ski = colonHex(buf.subarray(inner.body, inner.end));
    } else if (oid === OID_AUTHORITY_KEY_ID) {
      const seq = readTlv(buf, wrapped.body);
      // keyIdentifier is [0] IMPLICIT OCTET STRING
      const keyId = childrenOf(buf, seq).find((c) => c.tag === 0x80);
      if (keyId) aki = colonHex(buf.subarray(keyId.body, keyId.end));
    }
  }
  return { ski, aki };
}

export function readCertificateDer(der: Uint8Array): CertificateDer {
  const cert = readTlv(der, 0);
  const [tbs, sigAlg] = childrenOf(der, cert);
  if (!tbs || !sigAlg) throw new Error('DER: not a certificate');
  const algParts = childrenOf(der, sigAlg);
  if (!algParts[0]) throw new Error('DER: empty signature algorithm');
  const fields = childrenOf(der, tbs);
  // skip the optional [0] version so indexes line up with version 1 certificates too
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const validity = fields[base + 3];
  if (!validity) throw new Error('DER: certificate without validity');
  const [nb, na] = childrenOf(der, validity);
  if (!nb || !na) throw new Error('DER: incomplete validity');
  const extensions = fields.find((f) => f.tag === 0xa3);
  const ids = extensions ? keyIdentifiers(der, extensions) : { ski: null, aki: null };
  return {
    signatureOid: oidOf(der, algParts[0]),
    notBefore: timeOf(der, nb),
    notAfter: timeOf(der, na),
    subjectKeyId: ids.ski,
    authorityKeyId: ids.aki,
  };
}
