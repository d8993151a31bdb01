/**
 * The NVIDIA device nodes present, one path a line.
 *
 *   /dev/nvidia0
 *   /dev/nvidia1
 *   /dev/nvidiactl
 *   /dev/nvidia-uvm
 *   /dev/nvidia-uvm-tools
 *   /dev/nvidia-modeset
 *   /dev/nvidia-caps
 */
import type { TextParser } from '../types.js';
import { RowSink, splitLines } from './rows.js';

function kindOf(name: string): { kind: string; gpu_index: number | null } {
  const gpu = /^nvidia(\d+)$/.exec(name);
  if (gpu) return { kind: 'gpu', gpu_index: Number(gpu[1]) };
  if (name === 'nvidiactl') return { kind: 'control', gpu_index: null };
  if (name.startsWith('nvidia-uvm')) return { kind: 'uvm', gpu_index: null };
  if (name === 'nvidia-modeset') return { kind: 'modeset', gpu_index: null };
  if (name === 'nvidia-caps') return { kind: 'caps', gpu_index: null };
  return { kind: 'other', gpu_index: null };
}

export const devNvidiaParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    splitLines(text).forEach((line, i) => {
      const path = line.trim();
      if (path === '') return;
      if (!path.startsWith('/dev/nvidia')) {
        sink.error(`not an NVIDIA device path: ${path.slice(0, 120)}`, i + 1);
        return;
      }
      const name = path.slice('/dev/'.length);
      sink.add('gpu_devices', { path, name, ...kindOf(name) });
    });
    return sink.rows();
  },
};
