/**
 * Certificate files (.crt/.pem/.cert under /etc/kubernetes, /var/lib/kubelet/pki, /etc/etcd,
 * /etc/docker). A stream parser because binary DER files must reach it as bytes.
 *
 *   -----BEGIN CERTIFICATE-----
 *   MIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl
 *   ...
 *   -----END CERTIFICATE-----
 *
 * Each certificate is a `certs` row (bundle_index counts them within the file), each file a
 * `cert_files` row; a file holding no certificate is a parse_errors row.
 */
import type { Row, StreamParser } from '../types.js';
import { addCertificates } from './cert-file.js';
import { nodePathOf, RowSink } from './rows.js';

/** Certificate files are capped at 1 MiB by the collector; anything past this is not read. */
const MAX_CERT_FILE_BYTES = 4 * 1024 * 1024;

export function parseCertFile(bytes: Buffer, ctx: { member: string; path?: string }): RowSink {
  const sink = new RowSink();
  const path = nodePathOf(ctx);
  const summary = addCertificates(sink, bytes, { member: ctx.member, path, source_field: 'file' });
  sink.add('cert_files', {
    member: ctx.member,
    path,
    format: summary.format,
    certificates: summary.certificates,
    private_key_redacted: summary.privateKeyRedacted ? 1 : 0,
    other_blocks: summary.otherBlocks.length > 0 ? summary.otherBlocks.join(',') : null,
    valid: summary.errors.length === 0 ? 1 : 0,
    error: summary.errors[0] ?? null,
  });
  return sink;
}

export const certsParser: StreamParser = {
  kind: 'stream',
  async *parse(chunks, ctx) {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      if (size >= MAX_CERT_FILE_BYTES) continue;
      parts.push(chunk);
      size += chunk.length;
    }
    const rows = parseCertFile(Buffer.concat(parts), ctx).rows();
    for (const [table, list] of Object.entries(rows)) {
      for (const row of list as Row[]) yield [table, row] as [string, Row];
    }
  },
};
