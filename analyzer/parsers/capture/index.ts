import type { Parser } from '../types.js';
import { captureParser } from './capture-parser.js';

/** Parsers of the capture sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {
  pcap: captureParser({ mayBeOtherFile: false }),
  attachments: captureParser({ mayBeOtherFile: true }),
};
