/**
 * `docker network inspect $(docker network ls -q)`: one JSON array of networks.
 *
 *   [{"Name":"bridge","Id":"f1e2d3c4...","Created":"2024-09-01T10:00:00.123Z","Scope":"local","Driver":"bridge",
 *     "EnableIPv6":false,"IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":"172.17.0.0/16","Gateway":"172.17.0.1"}]},
 *     "Internal":false,"Attachable":false,"Containers":{...},
 *     "Options":{"com.docker.network.bridge.name":"docker0","com.docker.network.driver.mtu":"1500",...},"Labels":{}}]
 */
import type { TextParser } from '../types.js';
import { readJsonArrayElements } from './json-values.js';
import { arr, flag, int, isRecord, nonEmpty, obj, RowSink } from './rows.js';
import { isoUtc } from './timestamps.js';

function optionFlag(options: Record<string, unknown>, key: string): 0 | 1 | null {
  const v = options[key];
  return v === 'true' ? 1 : v === 'false' ? 0 : null;
}

/** Linux bridge device of a bridge network: its option, or docker's `br-<first 12 of id>` for user networks. */
function bridgeName(driver: string | null, name: string | null, id: string, options: Record<string, unknown>): string | null {
  const explicit = nonEmpty(options['com.docker.network.bridge.name']);
  if (explicit) return explicit;
  if (driver !== 'bridge') return null;
  return name === 'bridge' ? 'docker0' : `br-${id.slice(0, 12)}`;
}

export const dockerNetworkInspectParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    if (text.trim() === '') return sink.rows();
    const { values, errors } = readJsonArrayElements(text);
    for (const e of errors) sink.error(e.message, e.line);
    if (values.length === 0 && errors.length > 0) throw new Error('docker network inspect output is not JSON');
    for (const { value, line } of values) {
      const id = isRecord(value) ? nonEmpty(value.Id) : null;
      if (!isRecord(value) || id === null) {
        sink.error('network without an Id', line || undefined);
        continue;
      }
      const name = nonEmpty(value.Name);
      const driver = nonEmpty(value.Driver);
      const options = obj(value, 'Options');
      const configs = arr(obj(value, 'IPAM').Config).filter(isRecord);
      const firstV4 = configs.find((c) => typeof c.Subnet === 'string' && !c.Subnet.includes(':'));
      sink.add('docker_networks', {
        id,
        name,
        driver,
        scope: nonEmpty(value.Scope),
        created: isoUtc(value.Created),
        internal: flag(value.Internal),
        attachable: flag(value.Attachable),
        ipv6_enabled: flag(value.EnableIPv6),
        bridge_name: bridgeName(driver, name, id, options),
        mtu: int(options['com.docker.network.driver.mtu']),
        ip_masquerade: optionFlag(options, 'com.docker.network.bridge.enable_ip_masquerade'),
        icc: optionFlag(options, 'com.docker.network.bridge.enable_icc'),
        subnet: firstV4 ? nonEmpty(firstV4.Subnet) : null,
        gateway: firstV4 ? nonEmpty(firstV4.Gateway) : null,
        containers: Object.keys(obj(value, 'Containers')).length,
      });
      for (const c of configs) {
        const subnet = nonEmpty(c.Subnet);
        sink.add('docker_network_subnets', {
          network_id: id,
          network: name,
          subnet,
          gateway: nonEmpty(c.Gateway),
          ip_range: nonEmpty(c.IPRange),
          family: subnet === null ? null : subnet.includes(':') ? 'inet6' : 'inet',
        });
      }
    }
    return sink.rows();
  },
};
