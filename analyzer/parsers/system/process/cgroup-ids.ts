/**
 * Container and pod ids in a process's cgroup paths, as `ps -o cgroup` prints them (cgroup v1
 * lists every hierarchy, comma-separated; v2 has one "0::" entry):
 *
 *   12:pids:/kubepods/burstable/pod6f1c6d2e-8b1f-4c53-9a51-3c2a9f0e7b11/0f3b...64 hex,11:cpu,cpuacct:/kubepods/...
 *   11:memory:/docker/8c6a...64 hex
 *   0::/system.slice/docker-8c6a...64 hex.scope
 *   0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6f1c6d2e_8b1f_4c53_9a51_3c2a9f0e7b11.slice/cri-containerd-0f3b...64 hex.scope
 *
 * Static pods are named by a 32-hex config hash instead of a UUID (pod0d2c...). Nested runtimes
 * (kind: /docker/<node>/kubepods/.../<id>) put the innermost container last, which is the one
 * the process belongs to.
 */

const CONTAINER_ID = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g;
const POD_UID = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}|[0-9a-f]{32})(?![0-9a-f])/;
/** Where one hierarchy entry ends and the next ("11:memory:...") begins; controller lists like cpu,cpuacct contain commas too. */
const ENTRY_BOUNDARY = /,(?=\d+:)/;

export interface CgroupIds {
  containerId: string | null;
  podUid: string | null;
}

export function idsOfCgroup(cgroup: string): CgroupIds {
  // no path holds a 64-hex id in fewer characters
  if (cgroup.length < 64) {
    const pod = POD_UID.exec(cgroup);
    return { containerId: null, podUid: pod ? normalisePodUid(pod[1] as string) : null };
  }
  for (const entry of cgroup.split(ENTRY_BOUNDARY)) {
    const ids = entry.match(CONTAINER_ID);
    if (ids === null) continue;
    const pod = POD_UID.exec(entry);
    return { containerId: ids[ids.length - 1] as string, podUid: pod ? normalisePodUid(pod[1] as string) : null };
  }
  const pod = POD_UID.exec(cgroup);
  return { containerId: null, podUid: pod ? normalisePodUid(pod[1] as string) : null };
}

/** The systemd cgroup driver writes the UID's dashes as underscores. */
function normalisePodUid(uid: string): string {
  return uid.replace(/_/g, '-');
}
