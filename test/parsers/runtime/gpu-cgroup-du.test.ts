import { describe, expect, it } from 'vitest';
import { cgroupCpuStatParser, cgroupOwner } from '../../../analyzer/parsers/runtime/cgroup-cpu-stat.js';
import { devNvidiaParser } from '../../../analyzer/parsers/runtime/dev-nvidia.js';
import { nvidiaSmiParser } from '../../../analyzer/parsers/runtime/nvidia-smi.js';
import { overlay2DuParser } from '../../../analyzer/parsers/runtime/overlay2-du.js';
import { ctx, fixture, one, table } from './helpers.js';

describe('nvidia-smi -q -x', () => {
  it('reads two GPUs of driver 535 with their processes', () => {
    const rows = nvidiaSmiParser.parse(fixture('gpu/nvidia-smi-535-2gpu.xml'), ctx('nvidia-smi'));
    expect(table(rows, 'gpus')).toHaveLength(2);
    expect(one(rows, 'gpus', (r) => r.gpu_index === 0)).toMatchObject({
      uuid: 'GPU-7c1d4f2e-3a5b-11ef-9c2d-0242ac120002',
      name: 'Tesla T4',
      pci_bus_id: '00000000:00:1E.0',
      driver_version: '535.104.05',
      cuda_version: '12.2',
      memory_total_mib: 15360,
      memory_used_mib: 10345,
      utilization_pct: 87,
      temperature_c: 71,
      power_draw_w: 68.43,
      persistence_mode: 1,
    });
    expect(one(rows, 'gpus', (r) => r.gpu_index === 1).persistence_mode).toBe(0);
    expect(table(rows, 'gpu_processes')).toEqual([{ gpu_index: 0, gpu_uuid: 'GPU-7c1d4f2e-3a5b-11ef-9c2d-0242ac120002', pid: 52110, type: 'C', process_name: 'python', used_memory_mib: 10340 }]);
    expect(table(rows, 'node_facts').map((r) => `${r.key}=${r.value}`)).toEqual(['gpu.nvidia.driver_version=535.104.05', 'gpu.nvidia.cuda_version=12.2', 'gpu.nvidia.count=2']);
  });

  it('reads an old driver without cuda_version or minor number', () => {
    const gpu = one(nvidiaSmiParser.parse(fixture('gpu/nvidia-smi-390-nocuda.xml'), ctx('nvidia-smi')), 'gpus', () => true);
    expect(gpu).toMatchObject({ gpu_index: 0, driver_version: '390.87', cuda_version: null, power_draw_w: 9.97 });
  });

  it('throws on a failure message instead of XML', () => {
    expect(() => nvidiaSmiParser.parse('NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.\n', ctx('nvidia-smi'))).toThrow();
  });
});

describe('/dev/nvidia*', () => {
  it('classifies device nodes', () => {
    const rows = devNvidiaParser.parse(fixture('gpu/dev-nvidia.txt'), ctx('dev-nvidia'));
    expect(table(rows, 'gpu_devices').filter((r) => r.kind === 'gpu').map((r) => r.gpu_index)).toEqual([0, 1]);
    expect(one(rows, 'gpu_devices', (r) => r.name === 'nvidia-uvm-tools').kind).toBe('uvm');
    expect(one(rows, 'gpu_devices', (r) => r.name === 'nvidiactl').kind).toBe('control');
  });
});

describe('cgroup cpu.stat', () => {
  it('reads v1 counters (throttled_time in ns) and the owner from the path', () => {
    const path = '/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod57501f2c-60f3-4acf-95b0-19c9ee1ec293/2591c532008a5e0f7b2c6d9e8a1f3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c/cpu.stat';
    const row = one(cgroupCpuStatParser.parse(fixture('cgroup/v1-kubepods-burstable.cpu.stat'), ctx('cgroup-cpu-stat', path)), 'cgroup_cpu_stats', () => true);
    expect(row).toMatchObject({
      path,
      level: 'container',
      container_id: '2591c532008a5e0f7b2c6d9e8a1f3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c',
      pod_uid: '57501f2c-60f3-4acf-95b0-19c9ee1ec293',
      qos_class: 'burstable',
      cgroup_version: 1,
      nr_periods: 345600,
      nr_throttled: 112003,
      throttled_usec: 8842010239,
    });
    expect(row.throttled_ratio).toBeCloseTo(0.324, 3);
  });

  it('reads v2 counters with CRLF and never divides by zero periods', () => {
    const path = '/sys/fs/cgroup/kubepods.slice/kubepods-pod0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d.slice/cri-containerd-e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6.scope/cpu.stat';
    const row = one(cgroupCpuStatParser.parse(fixture('cgroup/v2-crlf.cpu.stat'), ctx('cgroup-cpu-stat', path)), 'cgroup_cpu_stats', () => true);
    expect(row).toMatchObject({ cgroup_version: 2, usage_usec: 1290038110, nr_periods: 0, throttled_ratio: null, pod_uid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', qos_class: 'guaranteed', container_id: 'e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6' });
  });

  it('names owners of other cgroup layouts', () => {
    const id = '0000936684d05d4c98c67fa8606d89f367a7985a0d05449bbef812422897b1b2';
    expect(cgroupOwner(`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`)).toMatchObject({ container_id: id, pod_uid: null, qos_class: null, level: 'container' });
    expect(cgroupOwner(`/sys/fs/cgroup/system.slice/containerd.service/kubepods-besteffort-pod0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d.slice:cri-containerd:${id}/cpu.stat`)).toMatchObject({ container_id: id, pod_uid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', qos_class: 'besteffort' });
    expect(cgroupOwner('/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/cpu.stat')).toMatchObject({ level: 'qos', qos_class: 'burstable' });
    expect(cgroupOwner('/sys/fs/cgroup/cpu/kubepods/pod57501f2c-60f3-4acf-95b0-19c9ee1ec293/cpu.stat')).toMatchObject({ level: 'pod', qos_class: 'guaranteed' });
  });

  it('reports garbage lines', () => {
    const rows = cgroupCpuStatParser.parse('nr_periods 10\nbroken\n', ctx('cgroup-cpu-stat', '/sys/fs/cgroup/cpu/docker/x/cpu.stat'));
    expect(table(rows, 'parse_errors')).toEqual([{ line: 2, message: expect.any(String) }]);
    expect(one(rows, 'cgroup_cpu_stats', () => true).nr_periods).toBe(10);
  });
});

describe('overlay2 du', () => {
  it('reads sizes and layer ids, skips the link directory id, reports stray lines', () => {
    const rows = overlay2DuParser.parse(fixture('docker/overlay2-du.txt'), ctx('docker-overlay2-du'));
    expect(table(rows, 'overlay2_usage')).toHaveLength(5);
    expect(one(rows, 'overlay2_usage', (r) => r.kib === 52428800)).toMatchObject({ layer_id: 'e8876a226237217ec61c4baf238a32992291d059fdac95ed6303bdff3f59cff5', is_init: 0, dir: '/var/lib/docker/overlay2/e8876a226237217ec61c4baf238a32992291d059fdac95ed6303bdff3f59cff5' });
    expect(one(rows, 'overlay2_usage', (r) => r.is_init === 1).layer_id).toBe('4e9fa83caff3e8f4cc83693fa407a4a9fac9573deaf481506c102d484dd1e6a1');
    expect(one(rows, 'overlay2_usage', (r) => r.kib === 48).layer_id).toBeNull();
    expect(one(rows, 'overlay2_usage', (r) => r.kib === 12).dir).toBe('/var/lib/docker/overlay2/with space dir');
    expect(table(rows, 'parse_errors')).toHaveLength(1);
  });
});
