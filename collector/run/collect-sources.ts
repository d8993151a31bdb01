import { basename, resolve } from 'node:path';
import { attachmentMember } from '../registry/layout.js';
import type { ManifestItem } from '../registry/manifest.js';
import type { SourceSpec } from '../registry/types.js';
import { collectAttachments } from './attachments.js';
import { runCommandItem } from './command-item.js';
import type { PreparedItem } from './command-item.js';
import type { RunContext } from './context.js';
import { collectFileItem, recordNothingFound } from './file-item.js';
import { recordItem, writeItem } from './member-writer.js';
import type { CheckedOptions } from './options.js';
import type { PcapCapture } from './pcap-capture.js';
import { OrderedPrefetch } from './prefetch.js';

/** How many registry units past the one being written may already run: bounds unwritten output. */
const PREFETCH_WINDOW = 12;

/** Every source in registry order; command items run ahead in a small pool, everything is written in order. */
export async function collectSources(ctx: RunContext, sources: readonly SourceSpec[], checked: CheckedOptions, captures: PcapCapture[]): Promise<void> {
  /** One unit of the archive, in order; a command's task runs ahead in the pool, its run writes the result. */
  type Step = { task?: () => Promise<PreparedItem>; run: (prepared: PreparedItem | null) => Promise<void> };
  const steps: Step[] = [];
  let pcapPlanned = false;
  let attachmentsPlanned = false;
  const writePcaps = async (): Promise<void> => {
    for (const capture of captures) {
      const { pending, output, stderr } = await capture.result();
      await writeItem(ctx, pending, output, stderr);
    }
  };
  const writeAttachments = async (): Promise<void> => {
    await collectAttachments(ctx, checked.attach);
  };

  for (const source of sources) {
    const excludedBecause = checked.excluded.get(source.name);
    if (source.name === 'pcap' && source.items.length === 0) {
      pcapPlanned = true;
      if (excludedBecause) {
        for (const iface of checked.pcap) steps.push({ run: async () => void recordItem(ctx, excludedItem(source.name, iface, 'pcap', excludedBecause)) });
      } else steps.push({ run: writePcaps });
      continue;
    }
    if (source.name === 'attachments' && source.items.length === 0) {
      attachmentsPlanned = true;
      if (excludedBecause) {
        checked.attach.forEach((file, i) => {
          const item = attachmentMember(i + 1, basename(file)).slice('attachments/'.length);
          steps.push({ run: async () => void recordItem(ctx, { ...excludedItem(source.name, item, 'attachment', excludedBecause), path: resolve(file) }) });
        });
      } else steps.push({ run: writeAttachments });
      continue;
    }
    if (excludedBecause) {
      for (const item of source.items) steps.push({ run: async () => void recordItem(ctx, { ...excludedItem(source.name, item.id, item.kind, excludedBecause), ...argvOf(item) }) });
      continue;
    }
    let found = 0;
    for (const item of source.items) {
      if (item.kind === 'files') {
        steps.push({ run: async () => void (found += await collectFileItem(ctx, source.name, item)) });
      } else {
        steps.push({
          task: () => runCommandItem(ctx, source.name, item),
          run: async (prepared) => {
            if (prepared) await writeItem(ctx, prepared.pending, prepared.output, prepared.stderr);
          },
        });
      }
    }
    // A source that only reads files and found none still says so: "not present", not "not collected".
    const firstFiles = source.items[0];
    if (firstFiles && source.items.every((i) => i.kind === 'files')) {
      steps.push({ run: async () => void (found === 0 && recordNothingFound(ctx, source.name, firstFiles.id)) });
    }
  }
  // A registry without capture sources (tests) still gets what was asked for.
  if (!pcapPlanned && captures.length > 0) steps.push({ run: writePcaps });
  if (!attachmentsPlanned && checked.attach.length > 0) steps.push({ run: writeAttachments });

  const prefetch = new OrderedPrefetch<PreparedItem>(steps.map((s) => s.task), checked.concurrency, PREFETCH_WINDOW);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as Step;
    let prepared: PreparedItem | null = null;
    if (step.task) prepared = await prefetch.take(i);
    else prefetch.moveHead(i);
    await step.run(prepared);
  }
}

function excludedItem(source: string, item: string, kind: ManifestItem['kind'], reason: string): ManifestItem {
  return { source, item, kind, status: 'skipped', reason, durationMs: 0, truncated: false };
}

function argvOf(item: SourceSpec['items'][number]): Pick<ManifestItem, 'argv'> {
  if (item.kind === 'command') return { argv: item.argv };
  if (item.kind === 'shell') return { argv: ['sh', '-c', item.script] };
  return {};
}
