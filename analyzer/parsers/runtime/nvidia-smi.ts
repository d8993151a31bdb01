/**
 * `nvidia-smi -q -x`: XML with a DOCTYPE, one <gpu> per device. Drivers before 410 print no
 * <cuda_version>; fields a board lacks read "N/A".
 *
 *   <?xml version="1.0" ?>
 *   <!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v12.dtd">
 *   <nvidia_smi_log>
 *     <driver_version>535.104.05</driver_version>
 *     <cuda_version>12.2</cuda_version>
 *     <attached_gpus>2</attached_gpus>
 *     <gpu id="00000000:00:1E.0">
 *       <product_name>Tesla T4</product_name>
 *       <persistence_mode>Enabled</persistence_mode>
 *       <uuid>GPU-7c1d4f2e-...</uuid>
 *       <minor_number>0</minor_number>
 *       <fb_memory_usage><total>15360 MiB</total><reserved>257 MiB</reserved><used>2 MiB</used><free>15100 MiB</free></fb_memory_usage>
 *       <utilization><gpu_util>0 %</gpu_util><memory_util>0 %</memory_util>...</utilization>
 *       <temperature><gpu_temp>34 C</gpu_temp>...</temperature>
 *       <processes><process_info><pid>52110</pid><type>C</type><process_name>python</process_name><used_memory>10240 MiB</used_memory></process_info></processes>
 *     </gpu>
 *   </nvidia_smi_log>
 */
import { XMLParser } from 'fast-xml-parser';
import type { TextParser } from '../types.js';
import { arr, errorMessage, isRecord, RowSink } from './rows.js';

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // versions like 535.104.05 and ids like 0000 must stay text
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'gpu' || name === 'process_info',
});

function text(node: unknown, ...path: string[]): string | null {
  let cur: unknown = node;
  for (const p of path) {
    if (!isRecord(cur)) return null;
    cur = cur[p];
  }
  if (typeof cur !== 'string') return null;
  const t = cur.trim();
  return t === '' || t === 'N/A' || t === '[N/A]' || t === '[Not Supported]' ? null : t;
}

/** The number at the start of "15360 MiB", "34 C", "70.12 W", "0 %". */
function leadingNumber(value: string | null): number | null {
  if (value === null) return null;
  const m = /^-?\d+(?:\.\d+)?/.exec(value);
  return m ? Number(m[0]) : null;
}

function enabled(value: string | null): 0 | 1 | null {
  return value === 'Enabled' ? 1 : value === 'Disabled' ? 0 : null;
}

export const nvidiaSmiParser: TextParser = {
  kind: 'text',
  parse(input, ctx) {
    const sink = new RowSink();
    if (input.trim() === '') return sink.rows();
    let doc: unknown;
    try {
      doc = xml.parse(input);
    } catch (err) {
      throw new Error(`nvidia-smi output is not XML: ${errorMessage(err)}`);
    }
    const log = isRecord(doc) ? doc.nvidia_smi_log : undefined;
    if (!isRecord(log)) throw new Error('nvidia-smi output has no <nvidia_smi_log>');
    const driver = text(log, 'driver_version');
    const cuda = text(log, 'cuda_version');
    const gpus = arr(log.gpu);
    gpus.forEach((gpu, position) => {
      if (!isRecord(gpu)) return;
      const uuid = text(gpu, 'uuid');
      const index = leadingNumber(text(gpu, 'minor_number')) ?? position;
      sink.add('gpus', {
        gpu_index: index,
        pci_bus_id: typeof gpu['@id'] === 'string' ? gpu['@id'] : null,
        uuid,
        name: text(gpu, 'product_name'),
        driver_version: driver,
        cuda_version: cuda,
        memory_total_mib: leadingNumber(text(gpu, 'fb_memory_usage', 'total')),
        memory_used_mib: leadingNumber(text(gpu, 'fb_memory_usage', 'used')),
        utilization_pct: leadingNumber(text(gpu, 'utilization', 'gpu_util')),
        memory_utilization_pct: leadingNumber(text(gpu, 'utilization', 'memory_util')),
        temperature_c: leadingNumber(text(gpu, 'temperature', 'gpu_temp')),
        power_draw_w: leadingNumber(text(gpu, 'power_readings', 'power_draw') ?? text(gpu, 'gpu_power_readings', 'power_draw')),
        persistence_mode: enabled(text(gpu, 'persistence_mode')),
        compute_mode: text(gpu, 'compute_mode'),
      });
      const processes = gpu.processes;
      for (const p of isRecord(processes) ? arr(processes.process_info) : []) {
        sink.add('gpu_processes', {
          gpu_index: index,
          gpu_uuid: uuid,
          pid: leadingNumber(text(p, 'pid')),
          type: text(p, 'type'),
          process_name: text(p, 'process_name'),
          used_memory_mib: leadingNumber(text(p, 'used_memory')),
        });
      }
    });
    const fact = (key: string, value: string | null) => {
      if (value !== null) sink.add('node_facts', { source: ctx.source, key, value });
    };
    fact('gpu.nvidia.driver_version', driver);
    fact('gpu.nvidia.cuda_version', cuda);
    fact('gpu.nvidia.count', String(gpus.length));
    return sink.rows();
  },
};
