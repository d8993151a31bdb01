/**
 * JUnit, SARIF and Markdown writers over the hand-written document: JUnit parses back with the
 * counts CI tools read, SARIF has the shape 2.1.0 requires, Markdown stays text.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { writeOutputs } from '../../analyzer/report/index.js';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../analyzer/report/junit.js';
import { mdCode, mdText, renderMarkdown } from '../../analyzer/report/markdown.js';
import { buildSarif, memberUri, renderSarif, sarifLevel } from '../../analyzer/report/sarif.js';
import { buildReportView } from '../../analyzer/report/view-model.js';
import type { ReportView } from '../../analyzer/report/view-types.js';
import { EVIL, handDocument } from './fixtures-doc.js';

function view(): ReportView {
  const { document, rules } = handDocument();
  const v = buildReportView({ document, rules });
  // the hand document has no database: give one finding a located member, as a DB would
  v.findings[1]!.members = [{ node: v.findings[1]!.node, member: 'sysctl/sysctl.txt', line: 12 }, { node: v.findings[1]!.node, member: 'kernel-log/dmesg.txt', line: null }];
  return v;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('JUnit', () => {
  const xml = renderJunit(view());
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'property'].includes(name) }).parse(xml) as Json;
  const suites = parsed.testsuites.testsuite as Json[];
  const suite = (name: string) => suites.find((s) => s.name === name)!;
  const testcase = (rule: string, node: string) => (suite(rule).testcase as Json[]).find((t) => t.name === node)!;

  it('is well-formed XML even with control characters in the evidence', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain('\u0007');
  });

  it('has one suite per rule and one test case per rule × node', () => {
    expect(suites.map((s) => s.name).sort()).toEqual(['cert/three', 'kernel/one', 'runtime/two']);
    for (const s of suites) expect(s.testcase).toHaveLength(2);
    expect(parsed.testsuites.tests).toBe('6');
  });

  it('fails a test case once per finding, with the message and the fix in the text', () => {
    const tc = testcase('runtime/two', 'node-b');
    expect(tc.failure).toHaveLength(2);
    expect(tc.failure[0].type).toBe('medium');
    expect(tc.failure[0].message).toBe(`${EVIL}: message about ${EVIL}`);
    expect(tc.failure[0]['#text']).toContain('fix:\nFix it like this:');
    expect(suite('runtime/two').failures).toBe('1');
  });

  it('marks skipped rules skipped and failed rules as errors', () => {
    expect(testcase('runtime/two', EVIL).skipped.message).toBe(`needs docker-inspect missing ${EVIL}`);
    expect(testcase('cert/three', 'node-b').error.message).toBe(`no such column: ${EVIL}`);
    expect(parsed.testsuites.skipped).toBe('1');
    expect(parsed.testsuites.errors).toBe('1');
  });

  it('does not fail on suppressed findings but reports them', () => {
    const tc = testcase('kernel/one', 'node-b');
    expect(tc.failure).toBeUndefined();
    expect(tc['system-out']).toContain('suppressed: net.ipv4.ip_forward');
    expect(testcase('kernel/one', EVIL).failure).toHaveLength(1);
  });
});

describe('SARIF', () => {
  const v = view();
  const sarif = buildSarif(v) as Json;
  const run = sarif.runs[0] as Json;

  it('has the required top-level shape of SARIF 2.1.0', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(Array.isArray(sarif.runs)).toBe(true);
    expect(run.tool.driver.name).toBe('nodesnap');
    expect(JSON.parse(renderSarif(v))).toEqual(sarif);
  });

  it('describes every rule (id, short and full description, help, default level)', () => {
    const rules = run.tool.driver.rules as Json[];
    expect(rules.map((r) => r.id).sort()).toEqual(['cert/three', 'kernel/one', 'runtime/two']);
    for (const r of rules) {
      expect(typeof r.shortDescription.text).toBe('string');
      expect(typeof r.fullDescription.text).toBe('string');
      expect(r.help.text).toContain('Fix it like this:');
      expect(['error', 'warning', 'note', 'none']).toContain(r.defaultConfiguration.level);
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    }
    expect(rules.find((r) => r.id === 'kernel/one')!.helpUri).toBe('https://example.invalid/docs');
    // a javascript: reference is no help URI
    expect(rules.find((r) => r.id === 'runtime/two')!.helpUri).toBeUndefined();
  });

  it('gives every result a rule, a message, a level from its severity and a location', () => {
    const results = run.results as Json[];
    expect(results).toHaveLength(v.findings.length);
    const rules = run.tool.driver.rules as Json[];
    for (const r of results) {
      expect(typeof r.ruleId).toBe('string');
      expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(typeof r.message.text).toBe('string');
      expect(['error', 'warning', 'note', 'none']).toContain(r.level);
      expect(r.locations.length).toBeGreaterThanOrEqual(1);
      expect(r.partialFingerprints['nodesnapFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(results.map((r) => r.level)).toEqual(v.findings.map((f) => sarifLevel(f.severity)));
  });

  it('locates a finding in its snapshot member, relative to the SNAPSHOTS base, with the line', () => {
    const located = (run.results as Json[])[1]!;
    const loc = located.locations[0].physicalLocation;
    expect(loc.artifactLocation.uriBaseId).toBe('SNAPSHOTS');
    expect(loc.artifactLocation.uri).toBe(`${encodeURIComponent(EVIL)}/sysctl/sysctl.txt`);
    expect(loc.region).toEqual({ startLine: 12 });
    expect(located.relatedLocations[0].physicalLocation.artifactLocation.uri).toMatch(/\/kernel-log\/dmesg\.txt$/);
    expect(located.relatedLocations[0].physicalLocation.region).toBeUndefined();
    expect(run.originalUriBaseIds.SNAPSHOTS.description.text).toBeTruthy();
    // without a known member: a logical location naming node and resource
    const logical = (run.results as Json[])[0]!.locations[0];
    expect(logical.physicalLocation).toBeUndefined();
    expect(logical.logicalLocations[0].fullyQualifiedName).toBe(`${EVIL}//etc/kubernetes/pki/${EVIL}.crt`);
  });

  it('encodes member URIs segment by segment', () => {
    expect(memberUri({ node: 'a b', member: 'certs/etc/x#y.crt', line: null })).toBe('a%20b/certs/etc/x%23y.crt');
  });

  it('marks suppressed findings with an external suppression and lists what did not run', () => {
    const suppressed = (run.results as Json[]).filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    const notes = run.invocations[0].toolExecutionNotifications as Json[];
    expect(notes.map((n) => n.descriptor.id).sort()).toEqual(['collection-parse', 'rule-error', 'rule-skipped']);
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });
});

describe('Markdown', () => {
  const md = renderMarkdown(view());

  it('keeps snapshot text as text: no HTML, no link, no emphasis', () => {
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<script');
    // a link needs an unescaped ](
    expect(md).not.toMatch(/[^\\]\]\(javascript:/);
    expect(mdText('*a* _b_ [c](d) <e> `f` |g|')).toBe('\\*a\\* \\_b\\_ \\[c\\](d) &lt;e> \\`f\\` \\|g\\|');
  });

  it('writes values as code spans unless they hold markup characters', () => {
    expect(mdCode('net.ipv4.ip_forward')).toBe('`net.ipv4.ip_forward`');
    expect(mdCode('a ``` b')).toBe('a \\`\\`\\` b');
    expect(mdCode('<b>')).toBe('&lt;b>');
    expect(md).toContain('— /etc/kubernetes/pki/&lt;img src=x onerror=alert(1)>');
  });

  it('has the counts, the critical and high findings with resource and fix, and what was not checked', () => {
    expect(md).toContain('| critical | 1 |');
    expect(md).toContain('| high | 1 |');
    expect(md).toMatch(/#### CRITICAL `cert\/three`/);
    expect(md).toContain('**Fix:**');
    expect(md).toContain('```\necho fix cert/three\nsystemctl restart thing\n```');
    // suppressed findings are not in the list to act on
    expect(md).not.toMatch(/\*\*node-b\*\* — `net\.ipv4\.ip_forward`/);
    expect(md).toMatch(/### Other findings\n\n- medium `runtime\/two`: 2 findings on node-b/);
    expect(md).toContain('### Not checked');
    expect(md).toContain('`runtime/two` skipped on');
  });
});

describe('writeOutputs', () => {
  it('writes every requested output from one view in one run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodesnap-outputs-'));
    const { document, rules } = handDocument();
    const files = { report: join(dir, 'r.html'), junit: join(dir, 'j.xml'), sarif: join(dir, 's.sarif'), markdown: join(dir, 'm.md') };
    expect(writeOutputs({ document, rules }, files)).toEqual([files.report, files.junit, files.sarif, files.markdown]);
    expect(readFileSync(files.report, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(XMLValidator.validate(readFileSync(files.junit, 'utf8'))).toBe(true);
    expect(JSON.parse(readFileSync(files.sarif, 'utf8')).version).toBe('2.1.0');
    expect(readFileSync(files.markdown, 'utf8')).toMatch(/^## /);
    expect(writeOutputs({ document, rules }, {})).toEqual([]);
  });
});
