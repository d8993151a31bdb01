/**
 * The HTML report as text: self-contained (no URL it would load, a CSP that forbids the network
 * and allows exactly our inline style and script), snapshot text escaped everywhere, and every
 * finding present without JavaScript.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport, TEMPLATES_DIR } from '../../analyzer/report/render-html.js';
import { buildReportView } from '../../analyzer/report/view-model.js';
import { EVIL, handDocument } from './fixtures-doc.js';

function render(): string {
  const { document, rules } = handDocument();
  return renderReport(buildReportView({ document, rules }));
}

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('HTML report', () => {
  const html = render();

  it('never puts snapshot text in as markup', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror=alert');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    // and it is there, as text
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('links only web references, never javascript: ones', () => {
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('href="https://example.invalid/docs"');
    expect(html).toContain('javascript:alert(1)</li>');
    // a quote in a URL does not end the attribute
    expect(html).not.toContain('href="https://example.invalid/a"b"');
  });

  it('loads nothing: no src, no link, no url(), no @import', () => {
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
  });

  it('has a CSP forbidding the network and allowing exactly its own style and script', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const policy = csp!.replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'none'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(policy).toContain(`style-src ${hash(style)}`);
    expect(policy).toContain(`script-src ${hash(script)}`);
    expect(policy).not.toContain('unsafe-inline');
    // the CSP comes before anything it governs
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('uses no style attribute (the CSP would block it)', () => {
    expect(html).not.toMatch(/\sstyle\s*=/i);
  });

  it('lists every finding in the HTML itself, with rule id, resource, evidence and fix', () => {
    const { document } = handDocument();
    expect(html.match(/data-finding /g)).toHaveLength(document.findings.length);
    expect(html).toContain('<code class="rule-id" title="rule id (what a suppression names)">kernel/one</code>');
    expect(html).toContain('<pre class="evidence" tabindex="0" aria-label="evidence">evidence line 1 net.ipv4.ip_forward\n  evidence line 2');
    expect(html).toContain('<pre class="cmd">echo fix kernel/one\nsystemctl restart thing</pre>');
    expect(html).toMatch(/class="finding sev-high suppressed"/);
    expect(html).toContain('suppressed: accepted: &lt;img');
  });

  it('shows what could not be seen: skipped rules, failed rules, collection errors', () => {
    expect(html).toContain('needs docker-inspect missing &lt;img');
    expect(html).toContain('no such column: &lt;img');
    expect(html).toContain('bad line &lt;img');
  });

  it('keeps the filter controls hidden until the script shows them', () => {
    expect(html).toMatch(/<form id="filters" class="filters" hidden/);
  });

  it('templates never use triple-stash or {{& (unescaped output)', () => {
    const dir = TEMPLATES_DIR();
    const files = [join(dir, 'report.hbs'), ...readdirSync(join(dir, 'partials')).map((f) => join(dir, 'partials', f))];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\{\{\{|\{\{~?\s*&/);
    }
  });

  it('renders the same document to the same bytes', () => {
    expect(render()).toBe(html);
  });

  it('renders a run without findings, and an unreadable node with nothing known about it', () => {
    const { document, rules } = handDocument();
    document.findings = [];
    document.skipped = [];
    document.ruleErrors = [];
    document.nodes = [{ node_id: 7, name: 'broken.tar.gz', hostname: null, input: 'broken.tar.gz', status: 'unreadable', collected_at: null, kernel: null, os: null }];
    const empty = renderReport(buildReportView({ document, rules }));
    expect(empty).toContain('No rule found a problem');
    expect(empty).toContain('<span class="status status-unreadable">unreadable</span>');
    expect(empty).not.toContain('id="matrix"');
  });

  it('escapes the hostile node name in the title and node section', () => {
    expect(html).toContain(`<span class="node-name">${EVIL.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/=/g, '&#x3D;').replace(/`/g, '&#x60;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;')}</span>`);
  });
});
