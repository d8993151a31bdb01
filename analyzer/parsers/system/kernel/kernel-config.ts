/**
 * The running kernel's build options, =y and =m lines only (the collector greps them):
 *
 *   CONFIG_NF_CONNTRACK=m
 *   CONFIG_BRIDGE_NETFILTER=y
 *   CONFIG_OVERLAY_FS=y
 *
 * Besides kernel_config, a symbol that collector/registry/kernel-modules.ts maps to a module and
 * that is =y becomes a modules row with how='config': a module built in without parameters shows
 * nowhere else. (=m only says the module can be loaded.)
 */
import type { TextParser } from '../../types.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { MODULES_OF_CONFIG_SYMBOL } from './module-names.js';

const OPTION = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;

export const kernelConfigParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    splitLines(text).forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const m = OPTION.exec(trimmed);
      if (!m) {
        out.error(`not a CONFIG_X=value line: ${trimmed.slice(0, 200)}`, i + 1);
        return;
      }
      const symbol = m[1] as string;
      const value = (m[2] as string).replace(/^"(.*)"$/, '$1');
      out.add('kernel_config', { symbol, value });
      if (value !== 'y') return;
      for (const name of MODULES_OF_CONFIG_SYMBOL.get(symbol) ?? []) {
        out.add('modules', { name, how: 'config', size: null, refcount: null, used_by: null, state: null });
      }
    });
    return out.rows();
  },
};
