import type { CommandItem, FileItem, ItemSpec, ShellItem, SourceSpec } from '../registry/types.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_SECONDS } from '../registry/types.js';
import { shQuote, shWords } from './sh-quote.js';

/** sh words for a command's sinceArgs: `{since}` becomes "$NS_SINCE_REL" (journalctl's -2h form). */
function sinceWords(sinceArgs: readonly string[] | undefined): string {
  if (!sinceArgs || sinceArgs.length === 0) return '';
  return sinceArgs.map((arg) => arg.split('{since}').map(shQuote).join('"$NS_SINCE_REL"')).join(' ');
}

/** Common trailing arguments of ns_command and ns_shell: timeout, cap, root, modules. */
function limits(item: CommandItem | ShellItem): string {
  return [
    item.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    item.maxBytes ?? DEFAULT_MAX_BYTES,
    item.needsRoot ? 1 : 0,
    shQuote((item.requiresModules ?? []).join(' ')),
    shQuote((item.requiresAnyModule ?? []).join(' ')),
  ].join(' ');
}

function commandLines(source: string, item: CommandItem): string[] {
  const since = sinceWords(item.sinceArgs);
  const cands = [item.argv, ...(item.fallbacks ?? [])].map((argv) => `  ns_cand ${shQuote(shWords(argv))} ${shQuote(since)}`);
  return [...cands, `  ns_command ${shQuote(source)} ${shQuote(item.id)} ${shQuote(item.ext)} ${limits(item)}`];
}

function shellLines(source: string, item: ShellItem): string[] {
  return [`  ns_shell ${shQuote(source)} ${shQuote(item.id)} ${shQuote(item.ext)} ${limits(item)} ${shQuote(item.tools[0] ?? '')} ${shQuote(item.script)}`];
}

function fileLines(source: string, item: FileItem): string[] {
  const lines = [`  if ns_files_begin ${shQuote(source)} ${shQuote(item.id)} ${item.root} ${item.maxBytes ?? DEFAULT_MAX_BYTES} ${item.maxFiles ?? 0}; then`];
  for (const pattern of item.patterns) lines.push(`    ns_files_pattern ${shQuote(pattern)}`);
  for (const spec of item.find ?? []) lines.push(`    ns_files_find ${shQuote(spec.dir)} ${spec.maxDepth} ${shWords(spec.names)}`);
  lines.push('    ns_files_end', '  fi');
  return lines;
}

function itemLines(source: string, item: ItemSpec): string[] {
  switch (item.kind) {
    case 'command':
      return commandLines(source, item);
    case 'shell':
      return shellLines(source, item);
    case 'files':
      return fileLines(source, item);
  }
}

/** A comment line safe in sh (no newline can end it early). */
function comment(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, ' ')}`;
}

/**
 * The body of ns_collect_sources: every source in registry order, as collect.ts walks them. The
 * capture and attachment sources (on demand, no items) write what --pcap and --attach took.
 */
export function sourceBlocks(sources: readonly SourceSpec[]): string {
  const out: string[] = ['ns_collect_sources() {'];
  for (const source of sources) {
    out.push(`  ${comment(`${source.name}: ${source.description}`)}`);
    if (source.name === 'pcap' && source.items.length === 0) {
      out.push('  ns_write_pcaps');
      continue;
    }
    if (source.name === 'attachments' && source.items.length === 0) {
      out.push('  ns_write_attachments');
      continue;
    }
    out.push('  NS_SRC_FOUND=0');
    for (const item of source.items) out.push(...itemLines(source.name, item));
    const first = source.items[0];
    if (first && source.items.every((i) => i.kind === 'files')) out.push(`  ns_nothing_found ${shQuote(source.name)} ${shQuote(first.id)}`);
  }
  out.push('  return 0', '}');
  return `${out.join('\n')}\n`;
}
