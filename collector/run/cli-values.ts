import { InvalidArgumentError } from 'commander';

/** Accumulates a repeatable option (--pcap eth0 --pcap flannel.1). */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A whole number of things (seconds, packets, commands). */
export function parseCount(value: string): number {
  if (!/^[0-9]+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a number of at least 1, got "${value}"`);
  return n;
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** A byte count: 1048576, 512k, 64M, 1G (binary units; a trailing "B" or "iB" is allowed). */
export function parseBytes(value: string): number {
  const match = /^([0-9]+)\s*([kmgt]?)(i?b)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a byte count like 1048576, 64M or 1G, got "${value}"`);
  const n = Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a byte count of at least 1, got "${value}"`);
  return n;
}

/** 1536 -> "1.5 KiB" for the summary line. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
