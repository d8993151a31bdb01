/**
 * docker/secret-in-env: a container's environment carries a literal secret (a password, token or
 * key under a secret-looking name). The collector replaced the value by <REDACTED>
 * (container_env.redacted = 1); the finding names the variable, never a value.
 */
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, currentContainers, labelKey, loadContainers } from '../../analyzer/rules/lib/docker-containers.js';

export const meta = {
  id: 'docker/secret-in-env',
  title: 'A container carries a secret in a plain environment variable',
  severity: 'medium',
  category: 'docker',
  description:
    'An environment variable with a secret-looking name (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL...) holds a literal value, as in ' +
    'docker run -e MYSQL_ROOT_PASSWORD=... or a compose file. Environment values are readable by anyone who can run docker inspect ' +
    'or docker ps --no-trunc on the node, in /proc/<pid>/environ, in crash dumps and in the logs of tools that print their ' +
    'environment, and they are inherited by every child process. Values that Kubernetes injects from Secrets (env.valueFrom) ' +
    'appear the same way in docker inspect. nodesnap removed the values at collection; only the names are reported.',
  remediation:
    'Pass secrets as files and point the application at them:\n' +
    '  docker secret / compose "secrets:" -> /run/secrets/<name>, with MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql_root_password\n' +
    '  Kubernetes: mount the Secret as a volume (readOnly) instead of env.valueFrom.secretKeyRef\n' +
    'Rotate any secret that was set literally: it is in shell histories, compose files and CI logs too.\n' +
    '  docker inspect -f \'{{range .Config.Env}}{{println .}}{{end}}\' <container> | cut -d= -f1',
  references: [
    'https://docs.docker.com/engine/swarm/secrets/',
    'https://docs.docker.com/compose/how-tos/use-secrets/',
    'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
  ],
  sources: ['docker-inspect|crictl-inspect'],
  parameters: {
    ignore_keys: {
      default: '^(GPG_KEYS?|PASSENGER_[A-Z0-9_]*|TOKENIZERS_PARALLELISM|[A-Z0-9_]*_(FILE|PATH|DIR|SOCK|SOCKET|KEY_ID))$',
      description: 'regular expression (case-insensitive) of variable names that are not secrets even when redacted: file paths, public key fingerprints, names that only contain a secret word (PASSENGER_*, TOKENIZERS_PARALLELISM)',
    },
  },
} satisfies Omit<RuleMeta, 'file'>;

/** The collector's notion of a secret-looking variable name (collector/redact/rules.ts ENV_KEY). */
const SECRET_NAME = /(PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|APIKEY)|(^|[_.])(KEY|AUTH)([_.]|$)|_PWD([_.]|$)/i;

export function run(ctx: RuleContext): RuleFinding[] {
  let ignore: RegExp;
  try {
    ignore = new RegExp(String(ctx.params.ignore_keys ?? '^$'), 'i');
  } catch (err) {
    throw new Error(`ignore_keys is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
  const env = ctx.db.prepare('SELECT node_id, container_id, key, has_value, redacted FROM container_env WHERE has_value = 1 OR redacted = 1').all() as {
    node_id: number;
    container_id: string;
    key: string;
    has_value: number | null;
    redacted: number | null;
  }[];
  const byContainer = new Map<string, { key: string; redacted: boolean }[]>();
  for (const e of env) {
    const secretLooking = SECRET_NAME.test(e.key);
    if (!(e.redacted === 1 || secretLooking) || ignore.test(e.key)) continue;
    const k = labelKey(e.node_id, e.container_id);
    const list = byContainer.get(k) ?? [];
    if (!list.some((x) => x.key === e.key)) list.push({ key: e.key, redacted: e.redacted === 1 });
    byContainer.set(k, list);
  }
  const out: RuleFinding[] = [];
  for (const c of currentContainers(loadContainers(ctx.db, ctx.nodeIds))) {
    const keys = byContainer.get(labelKey(c.node_id, c.id));
    if (!keys) continue;
    const label = containerLabel(c);
    for (const { key, redacted } of keys) {
      out.push({
        node_id: c.node_id,
        resource: `${label.resource} env ${key}`,
        message:
          `${label.phrase} (image ${c.image ?? '?'}) has the secret ${key} as a literal environment value` +
          (redacted ? '' : ' that the collector did not recognise (check the snapshot before sharing it)') +
          ': anyone who can inspect the container or read its /proc environ can read it',
        evidence: [`${c.name}: Config.Env ${key}=${redacted ? '<REDACTED>' : '<value not shown>'}`, `Image: ${c.image ?? '?'}`].join('\n'),
      });
    }
  }
  return out;
}
