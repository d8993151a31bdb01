/**
 * A tiny SVG builder whose output is the only markup the report template inserts unescaped.
 * Every text child and every attribute value is escaped here; element and attribute names come
 * from code and are checked, so snapshot data (a hostname, an iptables comment) can only ever
 * become text, never markup.
 */

const NAME = /^[a-zA-Z][a-zA-Z0-9:-]*$/;

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  // characters XML 1.0 forbids (C0 controls except tab/newline/CR) would make the SVG invalid
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

// only this module holds the token, so only `el` and `fragment` can make markup
const TOKEN: unique symbol = Symbol('svg-markup');

/** Markup built by this module; the template helper `svg` accepts nothing else as markup. */
export class SvgMarkup {
  readonly markup: string;

  constructor(token: typeof TOKEN, markup: string) {
    if (token !== TOKEN) throw new Error('SvgMarkup is built by el() and fragment() only');
    this.markup = markup;
  }

  toString(): string {
    return this.markup;
  }
}

const trusted = (markup: string): SvgMarkup => new SvgMarkup(TOKEN, markup);

export type AttrValue = string | number | boolean | null | undefined;
export type Child = SvgMarkup | string | number | null | undefined | false | readonly Child[];

function appendChildren(out: string[], children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof SvgMarkup) out.push(child.markup);
    else if (Array.isArray(child)) appendChildren(out, child);
    else out.push(escapeXml(String(child)));
  }
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** `<name attrs>children</name>`; null/undefined/false attributes are left out. */
export function el(name: string, attrs: Readonly<Record<string, AttrValue>> = {}, ...children: Child[]): SvgMarkup {
  if (!NAME.test(name)) throw new Error(`invalid element name ${JSON.stringify(name)}`);
  const out: string[] = ['<', name];
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (!NAME.test(key) || /^on/i.test(key)) throw new Error(`invalid attribute name ${JSON.stringify(key)}`);
    const text = typeof value === 'number' ? formatNumber(value) : value === true ? key : value;
    out.push(' ', key, '="', escapeXml(text), '"');
  }
  const body: string[] = [];
  appendChildren(body, children);
  if (body.length === 0) out.push('/>');
  else out.push('>', ...body, '</', name, '>');
  return trusted(out.join(''));
}

export function fragment(...children: Child[]): SvgMarkup {
  const body: string[] = [];
  appendChildren(body, children);
  return trusted(body.join(''));
}

/** A root `<svg>` sized in CSS pixels, with an accessible name. */
export function svgRoot(width: number, height: number, label: string, cls: string, ...children: Child[]): SvgMarkup {
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${formatNumber(width)} ${formatNumber(height)}`, width, height, role: 'img', 'aria-label': label, class: cls },
    el('title', {}, label),
    ...children,
  );
}

/** Shortens text to `max` characters with an ellipsis (SVG has no text overflow). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
