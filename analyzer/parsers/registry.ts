import type { Parser } from './types.js';
import { PARSERS as NETFILTER } from './netfilter/index.js';
import { PARSERS as NETWORK } from './network/index.js';
import { PARSERS as SYSTEM } from './system/index.js';
import { PARSERS as RUNTIME } from './runtime/index.js';
import { PARSERS as CAPTURE } from './capture/index.js';

/** The analyzer's side of the source registry: source name -> parser. */
export const PARSERS: Readonly<Record<string, Parser>> = { ...NETFILTER, ...NETWORK, ...SYSTEM, ...RUNTIME, ...CAPTURE };

export function parserFor(source: string): Parser | undefined {
  return Object.hasOwn(PARSERS, source) ? PARSERS[source] : undefined;
}
