/**
 * The outputs of `nodesnap analyze` besides --json: the HTML report, JUnit, SARIF and Markdown.
 * Build the view model once (buildReportView), then render any of them: each is a pure function
 * of the view. writeOutputs does both for the CLI flags.
 */
import { writeFileSync } from 'node:fs';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderReport } from './render-html.js';
import { renderSarif } from './sarif.js';
import { buildReportView, type ReportInput, type ViewOptions } from './view-model.js';
import type { ReportView } from './view-types.js';

export { buildReportView, renderJunit, renderMarkdown, renderReport, renderSarif };
export { buildSarif } from './sarif.js';
export type { ReportInput, ReportView, ViewOptions };

/** Output files by kind, as the flags name them: --report, --junit, --sarif, --markdown. */
export interface OutputFiles {
  report?: string;
  junit?: string;
  sarif?: string;
  markdown?: string;
}

const RENDERERS: Record<keyof OutputFiles, (view: ReportView) => string> = {
  report: renderReport,
  junit: renderJunit,
  sarif: renderSarif,
  markdown: renderMarkdown,
};

/** Renders and writes every requested output; returns the files written, in flag order. */
export function writeOutputs(input: ReportInput, files: OutputFiles, options: Partial<ViewOptions> = {}): string[] {
  const wanted = (Object.keys(RENDERERS) as (keyof OutputFiles)[]).filter((k) => files[k]);
  if (wanted.length === 0) return [];
  const view = buildReportView(input, options);
  return wanted.map((kind) => {
    const file = files[kind] as string;
    writeFileSync(file, RENDERERS[kind](view), 'utf8');
    return file;
  });
}
