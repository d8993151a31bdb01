/**
 * The alternative flow reader measured against conntrack-flow.ts's hand scanner: fast-xml-parser
 * on each flow element (never on the whole document), optionally validated first.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { emptyEntry } from '../../../../analyzer/parsers/netfilter/conntrack-flow.js';
import type { Row } from '../../../../analyzer/parsers/types.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, isArray: (name) => name === 'meta' });

type Node = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function fxpReader(validate: boolean): (text: string) => Row | string {
  return (text) => {
    if (validate) {
      const ok = XMLValidator.validate(text);
      if (ok !== true) return ok.err.msg;
    }
    let doc: Node;
    try {
      doc = parser.parse(text) as Node;
    } catch (e) {
      return (e as Error).message;
    }
    const flow = doc.flow as Node | undefined;
    if (!flow || !Array.isArray(flow.meta)) return 'no flow/meta';
    const row = emptyEntry();
    for (const meta of flow.meta as Node[]) {
      const dir = meta.direction;
      if (dir === 'original' || dir === 'reply') {
        const p = dir === 'original' ? 'orig' : 'reply';
        const l3 = (meta.layer3 ?? {}) as Node;
        const l4 = (meta.layer4 ?? {}) as Node;
        const counters = (meta.counters ?? {}) as Node;
        row[`${p}_src`] = str(l3.src);
        row[`${p}_dst`] = str(l3.dst);
        row[`${p}_sport`] = num(l4.sport);
        row[`${p}_dport`] = num(l4.dport);
        row[`${p}_packets`] = num(counters.packets);
        row[`${p}_bytes`] = num(counters.bytes);
        if (p === 'orig') {
          row.l3proto = str(l3.protoname);
          row.l4proto = str(l4.protoname);
          row.l4protonum = num(l4.protonum);
        }
      } else if (dir === 'independent') {
        row.state = str(meta.state);
        row.timeout = num(meta.timeout);
        row.mark = num(meta.mark);
        row.zone = num(meta.zone);
        row.use = num(meta.use);
        row.id = num(meta.id);
        row.assured = 'assured' in meta ? 1 : 0;
        row.unreplied = 'unreplied' in meta ? 1 : 0;
        row.deltatime = num(meta.deltatime);
      }
    }
    if (row.orig_src === null) return 'flow without an original-direction address';
    row.dnat = row.orig_dst === row.reply_src ? 0 : 1;
    row.snat = row.orig_src === row.reply_dst ? 0 : 1;
    return row;
  };
}
