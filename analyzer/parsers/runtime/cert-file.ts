/**
 * Certificates in a file's bytes: PEM (one or many blocks, maybe next to the collector's
 * `<REDACTED PRIVATE KEY>` marker where a key block was) or a single binary DER certificate.
 *
 *   -----BEGIN CERTIFICATE-----
 *   MIIDBTCCAe2gAwIBAgIIU4Xj...
 *   -----END CERTIFICATE-----
 *   <REDACTED PRIVATE KEY>
 */
import { errorMessage, type RowSink } from './rows.js';
import { certificateRows } from './x509.js';

export const REDACTED_KEY_MARKER = '<REDACTED PRIVATE KEY>';

export interface CertFileSummary {
  format: 'pem' | 'der' | 'unknown';
  certificates: number;
  privateKeyRedacted: boolean;
  /** Labels of PEM blocks that are not certificates ("PUBLIC KEY", "X509 CRL"...). */
  otherBlocks: string[];
  errors: string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CERT_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);

export interface CertTarget {
  member: string;
  path: string;
  source_field: string;
}

function addOne(sink: RowSink, der: Buffer, target: CertTarget, index: number, summary: CertFileSummary): void {
  try {
    const { cert, sans } = certificateRows(der, { ...target, bundle_index: index });
    sink.add('certs', cert);
    for (const s of sans) sink.add('cert_sans', s);
    summary.certificates++;
  } catch (err) {
    const message = `${target.path} (${target.source_field}) certificate ${index}: ${errorMessage(err)}`;
    summary.errors.push(message);
    sink.error(message);
  }
}

/** Adds certs/cert_sans rows for every certificate in `bytes`; reports what the file held. */
export function addCertificates(sink: RowSink, bytes: Buffer, target: CertTarget): CertFileSummary {
  const summary: CertFileSummary = { format: 'unknown', certificates: 0, privateKeyRedacted: false, otherBlocks: [], errors: [] };
  const text = bytes.toString('latin1');
  summary.privateKeyRedacted = text.includes(REDACTED_KEY_MARKER);
  if (text.includes('-----BEGIN ')) {
    summary.format = 'pem';
    let index = 0;
    for (const m of text.matchAll(PEM_BLOCK)) {
      const label = m[1] as string;
      if (!CERT_LABELS.has(label)) {
        summary.otherBlocks.push(label);
        continue;
      }
      addOne(sink, Buffer.from((m[2] as string).replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'), target, index++, summary);
    }
    const begun = (text.match(/-----BEGIN /g) ?? []).length;
    const matched = summary.certificates + summary.otherBlocks.length + summary.errors.length;
    if (begun > matched) {
      const message = `${target.path} (${target.source_field}): ${begun - matched} PEM block(s) without an END line`;
      summary.errors.push(message);
      sink.error(message);
    }
  } else if (bytes[0] === 0x30) {
    summary.format = 'der';
    addOne(sink, bytes, target, 0, summary);
  } else if (!summary.privateKeyRedacted) {
    const message = `${target.path} (${target.source_field}): not a certificate (neither PEM nor DER)`;
    summary.errors.push(message);
    sink.error(message);
  }
  return summary;
}
