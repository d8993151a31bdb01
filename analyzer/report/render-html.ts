/**
 * Renders the view model into one self-contained HTML file with the Handlebars templates of
 * report-templates/. Handlebars escapes every value; the templates never use triple-stash. Markup
 * goes in unescaped through two helpers only: `svg` (an SvgMarkup, which only the escaping SVG
 * builder makes) and `asset` (the report's own CSS and script, by fixed name). The
 * Content-Security-Policy allows nothing from the network and only those two inline blocks, by
 * hash.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { projectRoot } from '../../collector/registry/version.js';
import { levelOf } from './pictures/gauges.js';
import { SvgMarkup } from './pictures/svg.js';
import { formatCount, formatTime } from './format.js';
import type { ReportView } from './view-types.js';

export const TEMPLATES_DIR = (): string => join(projectRoot(), 'report-templates');

interface Compiled {
  page: Handlebars.TemplateDelegate;
  css: string;
  js: string;
  csp: string;
}

let cached: Compiled | null = null;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** The policy of the report: no network at all, inline style and script only by hash. */
export function contentSecurityPolicy(css: string, js: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${sha256(css)}'`,
    `script-src 'sha256-${sha256(js)}'`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function compile(dir: string): Compiled {
  const hbs = Handlebars.create();
  const css = readFileSync(join(dir, 'report.css'), 'utf8');
  const js = readFileSync(join(dir, 'report.js'), 'utf8');
  if (/<\/(style|script)/i.test(css + js)) throw new Error('report assets must not contain a closing style/script tag');
  const assets: Record<string, string> = { css, js };

  hbs.registerHelper('svg', (value: unknown) => (value instanceof SvgMarkup ? new hbs.SafeString(value.markup) : String(value ?? '')));
  hbs.registerHelper('asset', (name: unknown) => {
    const text = typeof name === 'string' && Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (text === undefined) throw new Error(`unknown report asset ${String(name)}`);
    return new hbs.SafeString(text);
  });
  hbs.registerHelper('num', (n: unknown) => (typeof n === 'number' ? formatCount(n) : String(n ?? '')));
  hbs.registerHelper('plural', (n: unknown) => (n === 1 ? '' : 's'));
  hbs.registerHelper('time', (iso: unknown) => formatTime(typeof iso === 'string' ? iso : ''));
  hbs.registerHelper('collectedRange', (from: unknown, to: unknown) => {
    const a = formatTime(String(from ?? ''));
    const b = formatTime(String(to ?? ''));
    return a === b || !b ? a : `${a} – ${b}`;
  });
  hbs.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : ', ') : ''));
  hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hbs.registerHelper('level', (ratio: unknown) => levelOf(Number(ratio)));
  // 0..10: which tenth of a usage bar is filled; 9 from 90%, 10 only when full
  hbs.registerHelper('decile', (ratio: unknown) => {
    const r = Number(ratio);
    return Number.isFinite(r) ? String(Math.max(0, Math.min(10, r >= 1 ? 10 : Math.floor(r * 10)))) : '0';
  });
  // only web links become anchors: a reference could be any text
  hbs.registerHelper('isLink', (url: unknown) => typeof url === 'string' && /^https?:\/\/[^\s"<>]+$/.test(url));

  const partialsDir = join(dir, 'partials');
  for (const file of readdirSync(partialsDir)) {
    if (!file.endsWith('.hbs')) continue;
    hbs.registerPartial(file.slice(0, -4), readFileSync(join(partialsDir, file), 'utf8'));
  }
  const page = hbs.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), { strict: true, preventIndent: true });
  return { page, css, js, csp: contentSecurityPolicy(css, js) };
}

/** Compiled templates, read once per process (or again from `dir`, for template development). */
function templates(dir?: string): Compiled {
  if (dir) return compile(dir);
  cached ??= compile(TEMPLATES_DIR());
  return cached;
}

export interface RenderOptions {
  /** Another templates folder (same file names). */
  templatesDir?: string;
}

/** The report as one HTML document. */
export function renderReport(view: ReportView, options: RenderOptions = {}): string {
  const t = templates(options.templatesDir);
  return t.page({ view, csp: t.csp }, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}
