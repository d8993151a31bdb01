import { describe, expect, it } from 'vitest';
import { formatFindingsText } from './report-text.js';
import type { AnalysisDocument } from './report-json.js';

const doc = (resource: string, message: string): AnalysisDocument => ({
  format: 'nodesnap-analysis',
  version: 1,
  generatedAt: '2026-11-20T08:15:03.000Z',
  nodes: [],
  findings: [
    { rule: 'cni/config-invalid', severity: 'low', category: 'cni', title: 't', node: 'node-1', node_id: 1, resource, message, evidence: '', suppressed: false, suppression_reason: null },
  ],
  skipped: [],
  ruleErrors: [],
  errors: [],
  summary: { nodes: 1, findings: { info: 0, low: 1, medium: 0, high: 0, critical: 0 }, suppressed: 0, skipped: 0, errors: 0 },
});

describe('terminal findings', () => {
  it('groups by node and shows severity, rule, resource and message', () => {
    const text = formatFindingsText(doc('/etc/cni/net.d/99-x.conf', 'does not load'));
    expect(text).toContain('node-1\n  LOW      cni/config-invalid  /etc/cni/net.d/99-x.conf\n           does not load\n');
    expect(text).toMatch(/findings: 0 critical, 0 high, 0 medium, 1 low, 0 info/);
  });

  it('never lets snapshot text forge a line or send an escape sequence', () => {
    const text = formatFindingsText(doc("/etc/cni/net.d/new\nline 'q'.conf", 'bad \u001b[31mred\u001b[0m\ttab'));
    expect(text).toContain("/etc/cni/net.d/new\\nline 'q'.conf");
    expect(text).toContain('bad \\x1b[31mred\\x1b[0m\\ttab');
    expect(text).not.toContain('\u001b');
  });
});
