/**
 * THE redaction rules, declared once as data. The Node collector compiles them to RegExps
 * (redactor.ts), the POSIX sh collector runs them as a `sed -E` program (sed.ts); a test runs
 * both over the fixtures and requires identical bytes. Read types.ts for the pattern subset.
 *
 * What is a secret here: private keys, passwords, tokens, API keys, credentials in URLs and
 * HTTP headers. What must survive (rules analyze it): certificates (`client-certificate-data`,
 * `certificate-authority-data`, CERTIFICATE blocks), paths of `*-file`/`*-dir` flags
 * (`--tls-private-key-file=/etc/kubernetes/pki/apiserver.key`), boolean and mode flags whose
 * names merely contain a secret-like word (`--anonymous-auth=false`, `--client-cert-auth=true`,
 * `--authorization-mode=Node,RBAC`, `--token-auth-file=...`, `KUBELET_AUTHZ_ARGS=...`).
 *
 * Known limits (documented, not handled): a value on the line after its key in forms other than
 * a pod env `name:`/`value:` pair (YAML block scalars `password: |`, JSON arrays
 * `["--password", "x"]`); base64 keys wrapped over several lines; `curl -u user:pass`.
 */
import type { RedactionRule, Substitution } from './types.js';

export const REDACTED = '<REDACTED>';
export const REDACTED_PRIVATE_KEY = '<REDACTED PRIVATE KEY>';

// ---- shared fragments (ERE text; String.raw keeps `\t` as the two characters the generators expect)

/** A double-quoted string with backslash escapes, at least one character inside. */
const DQ_STRING = String.raw`"([^"\\]|\\[^\r])+"`;
/** A single-quoted YAML/shell string ('' is an escaped quote), at least one character inside. */
const SQ_STRING = String.raw`'([^']|'')+'`;
/** An unquoted value that runs to the end of the line (YAML plain scalar, TOML/ini), CR excluded. */
const BARE_TO_EOL = String.raw`[^ \t\r"'][^\r]*`;
/** An unquoted word (shell/ps argument), backslash escapes included. */
const BARE_WORD = String.raw`([^ \t\r"'\\]|\\[^\r])+`;

/**
 * Config keys whose value is a secret: keys ENDING in one of these words (db_password,
 * bootstrap-token, client-secret, aadClientSecret, secret_access_key, certificateKey...).
 * A key never starts with `-`: `- --use-service-account-credentials=true` in a manifest is a
 * flag (cli-secret's business), not a YAML key.
 */
const SECRET_KEY_ENDINGS = String.raw`(password|passwd|passphrase|pwd|secret|token|api[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key|certificate[-_]?key|encryption[-_]?key|auth[-_]?key|credentials?)`;
/** Config keys matched exactly (`auth` alone: docker/containerd registry auth; not client-cert-auth). */
const SECRET_KEY_EXACT = String.raw`auth|client[-_]?key[-_]?data`;
const CONFIG_KEY = String.raw`(([A-Za-z0-9_][A-Za-z0-9_.-]{0,64})?${SECRET_KEY_ENDINGS}|${SECRET_KEY_EXACT})`;

/**
 * Environment variable names holding secrets (case-insensitive): containing PASS (PASSWORD,
 * PASSWD), SECRET, TOKEN, CREDENTIAL or APIKEY anywhere; KEY, AUTH or PRIVATE as a whole
 * `_`/`.`-separated part (GPG_KEY, API_KEY, BASIC_AUTH, SSH_PRIVATE; not KEYCLOAK_URL, not
 * KUBELET_AUTHZ_ARGS, not systemd's PrivateTmp=yes,
 * whose value is a list of flags); PWD after an underscore (MYSQL_PWD; not PWD or OLDPWD, which
 * are directories). Name parts are bounded ({0,64}) so a long run of letters cannot make the
 * match quadratic. An unquoted value must be 2+ characters: kernel config lines such as
 * CONFIG_SECRETMEM=y or CONFIG_HAVE_KVM_IRQ_BYPASS=m are settings, not secrets. Names start after a character that cannot be part of a name, never after
 * `-`, so flags (`--anonymous-auth=false`) are not environment variables.
 */
const ENV_KEY = String.raw`([A-Za-z0-9_.]{0,64}(PASS|SECRET|TOKEN|CREDENTIAL|APIKEY)[A-Za-z0-9_.]{0,64}|([A-Za-z0-9_.]{0,64}[_.])?(KEY|AUTH|PRIVATE)([_.][A-Za-z0-9_.]{0,64})?|[A-Za-z0-9_.]{0,64}_PWD([_.][A-Za-z0-9_.]{0,64})?)`;

/**
 * Command-line flags whose value is a secret: names ending in one of these words. `*-file`,
 * `*-dir`, `*-auth`, `*-mode` flags end otherwise and are kept. `credentials` is left out
 * (`--use-service-account-credentials=true` is configuration).
 */
const SECRET_FLAG = String.raw`--?[A-Za-z0-9_.-]{0,64}(password|passwd|passphrase|pass|pwd|secret|token|api[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key|certificate[-_]?key|encryption[-_]?key|auth[-_]?key)`;
/**
 * Between a header name and its value: `Name: value` / `name=value`, or a JSON member whose value
 * is a STRING (`"Authorization": "Bearer x"`); `"Authorization":null` in docker info is left alone.
 */
const HEADER_SEPARATOR = String.raw`([ \t]*[:=][ \t]*|"[ \t]*:[ \t]*")`;
/** Literals every config key above contains (see RuleBase.hint). */
const CONFIG_HINT = ['pass', 'pwd', 'secret', 'token', 'key', 'credential', 'auth'];
/** Literals every ENV_KEY contains. */
const ENV_HINT = ['pass', 'secret', 'token', 'credential', 'private', 'key', 'auth', 'pwd'];
/** Characters after which a flag starts: line start, blank, quote, `=` (ARGS=--x), `,`. */
const FLAG_BOUNDARY = String.raw`(^|[ \t"'=,])`;

/**
 * The value forms after a key prefix captured as group 1: double-quoted (quotes kept),
 * single-quoted (quotes kept), bare to the end of the line. Applied in this order; once the value
 * is `"<REDACTED>"` the bare form no longer matches (it cannot start with a quote).
 */
function valueForms(prefix: string): Substitution[] {
  return [
    { pattern: `${prefix}${DQ_STRING}`, replacement: String.raw`\1"${REDACTED}"` },
    { pattern: `${prefix}${SQ_STRING}`, replacement: String.raw`\1'${REDACTED}'` },
    { pattern: `${prefix}${BARE_TO_EOL}`, replacement: String.raw`\1${REDACTED}` },
  ];
}

/**
 * Base64 of the start of a PEM private key, up to the last complete 4-character group (the
 * encoding of later bytes depends on what follows): "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBL" is
 * "-----BEGIN RSA PRIVATE K". Used for keys embedded base64-encoded (Secret manifests, JSON).
 */
function base64KeyPrefixes(): string {
  const kinds = ['', 'RSA ', 'EC ', 'DSA ', 'OPENSSH ', 'ENCRYPTED ', 'ANY ', 'PGP '];
  return kinds
    .map((kind) => {
      const text = `-----BEGIN ${kind}PRIVATE KEY`;
      return Buffer.from(text, 'latin1').toString('base64').slice(0, Math.floor(text.length / 3) * 4);
    })
    .join('|');
}

export const REDACTION_RULES: readonly RedactionRule[] = Object.freeze([
  {
    kind: 'block',
    id: 'pem-private-key',
    hint: ['PRIVATE KEY'],
    description: 'PEM private key blocks of any type (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8, PGP), multi-line or inside one line of JSON; each block becomes one line <REDACTED PRIVATE KEY>. Certificates are kept.',
    begin: String.raw`-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----`,
    end: String.raw`-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----`,
    marker: REDACTED_PRIVATE_KEY,
  },
  {
    kind: 'substitute',
    id: 'base64-private-key',
    hint: ['LS0tLS1CRUdJTi'],
    description: 'Base64-encoded PEM private keys (a Secret tls.key, an embedded key in JSON or YAML under any name)',
    ignoreCase: false,
    substitutions: [{ pattern: `(${base64KeyPrefixes()})[A-Za-z0-9+/=]*`, replacement: REDACTED }],
  },
  {
    kind: 'substitute',
    id: 'json-secret',
    hint: CONFIG_HINT,
    description: 'JSON (and TOML quoted-key) members whose key ends in password/secret/token/api key... or is "auth" (docker and containerd registry auth) or "client-key-data": the string or number value becomes "<REDACTED>"',
    ignoreCase: true,
    substitutions: [
      {
        pattern: String.raw`("${CONFIG_KEY}"[ \t]*[:=][ \t]*)(${DQ_STRING}|-?[0-9][0-9.eE+-]*)`,
        replacement: String.raw`\1"${REDACTED}"`,
      },
    ],
  },
  {
    kind: 'substitute',
    id: 'config-secret',
    hint: CONFIG_HINT,
    description: 'YAML, TOML and ini keys at the start of a line (kubeconfig client-key-data, token, id-token, refresh-token, access-token, password, client-secret, auth-provider config; kubeadm token and certificateKey; encryption config secret; containerd registry password/auth/identitytoken): the value becomes <REDACTED>, the key is kept',
    ignoreCase: true,
    substitutions: valueForms(String.raw`^([ \t]*(-[ \t]+)?${CONFIG_KEY}[ \t]*[:=][ \t]*)`),
  },
  {
    kind: 'substitute',
    id: 'env-secret',
    hint: ENV_HINT,
    description: 'Environment entries KEY=value whose KEY looks secret (PASSWORD, PASSWD, _PWD, SECRET, TOKEN, KEY, CREDENTIAL, PRIVATE, AUTH, APIKEY): docker inspect "KEY=value" strings, env files, systemd Environment=, ps arguments, and one-line {"name": KEY, "value": ...} pairs',
    ignoreCase: true,
    substitutions: [
      { pattern: String.raw`"(${ENV_KEY})=([^"\\]|\\[^\r])+"`, replacement: String.raw`"\1=${REDACTED}"` },
      { pattern: String.raw`'(${ENV_KEY})=[^']+'`, replacement: String.raw`'\1=${REDACTED}'` },
      {
        pattern: String.raw`(^|[^A-Za-z0-9_."'-])(${ENV_KEY})=(${DQ_STRING}|'[^']+'|[^ \t\r"'][^ \t\r]+)`,
        replacement: String.raw`\1\2=${REDACTED}`,
      },
      {
        pattern: String.raw`("(name|key)"[ \t]*:[ \t]*"${ENV_KEY}"[ \t]*,[ \t]*"value"[ \t]*:[ \t]*)${DQ_STRING}`,
        replacement: String.raw`\1"${REDACTED}"`,
      },
    ],
  },
  {
    kind: 'next-line',
    id: 'env-secret-next-line',
    hint: ENV_HINT,
    description: 'Pod manifest and crictl inspect environment pairs written on two lines ("- name: DB_PASSWORD" then "value: x"): the value on the next line becomes <REDACTED>',
    trigger: String.raw`^[ \t]*(-[ \t]+)?"?(name|key)"?[ \t]*:[ \t]*["']?${ENV_KEY}["']?[ \t]*,?[ \t]*\r?$`,
    substitutions: valueForms(String.raw`^([ \t]*(-[ \t]+)?"?value"?[ \t]*:[ \t]*)`),
  },
  {
    kind: 'substitute',
    id: 'cli-secret',
    hint: ['pass', 'pwd', 'secret', 'token', 'key'],
    description: 'Command-line flags whose name ends in password/secret/token/api-key... (--password=x, --db-password x, --token=x, --client-secret x, -Dspring.datasource.password=x); flags ending in -file, -dir, -auth, -mode keep their values',
    ignoreCase: true,
    substitutions: [
      {
        pattern: String.raw`${FLAG_BOUNDARY}(${SECRET_FLAG}=)(${DQ_STRING}|${SQ_STRING}|${BARE_WORD})`,
        replacement: String.raw`\1\2${REDACTED}`,
      },
      {
        pattern: String.raw`${FLAG_BOUNDARY}(${SECRET_FLAG}[ \t]+)(${DQ_STRING}|${SQ_STRING}|[^- \t\r"'\\]([^ \t\r"'\\]|\\[^\r])*)`,
        replacement: String.raw`\1\2${REDACTED}`,
      },
    ],
  },
  {
    kind: 'substitute',
    id: 'mysql-password',
    hint: ['mysql', 'mariadb'],
    description: 'The attached password of mysql/mysqladmin/mysqldump/mariadb command lines (-pSECRET; a bare -p prompts and is kept; -P is the port)',
    ignoreCase: false,
    substitutions: [
      {
        pattern: String.raw`((^|[ \t/"'])(mysql|mysqladmin|mysqldump|mysqlsh|mariadb|mariadb-dump)([ \t]+(-[^p \t\r][^ \t\r]*|[^- \t\r][^ \t\r]*|-))*[ \t]+-p)[^ \t\r"']+`,
        replacement: String.raw`\1${REDACTED}`,
      },
    ],
  },
  {
    kind: 'substitute',
    id: 'url-credentials',
    hint: ['://'],
    description: 'Passwords in URLs: scheme://user:password@host becomes scheme://user:<REDACTED>@host',
    ignoreCase: false,
    substitutions: [
      { pattern: String.raw`([A-Za-z][A-Za-z0-9+.-]{0,31}://[^ \t\r/:@"']{0,256}:)[^ \t\r/@"']{1,512}@`, replacement: String.raw`\1${REDACTED}@` },
    ],
  },
  {
    kind: 'substitute',
    id: 'auth-header',
    hint: ['auth', 'token', 'key', 'cookie', 'bearer'],
    description: 'HTTP credentials: the credential word of Authorization/Proxy-Authorization (the scheme, e.g. Bearer or Basic, is kept), X-Registry-Auth, X-Auth-Token and Cookie header values (to the end of the line or quote), and "Bearer <token>" anywhere',
    ignoreCase: true,
    substitutions: [
      {
        pattern: String.raw`((proxy-)?authorization${HEADER_SEPARATOR}([A-Za-z0-9-]+[ \t]+)?)[^ \t\r"',;{[]+`,
        replacement: String.raw`\1${REDACTED}`,
      },
      {
        pattern: String.raw`((x-registry-auth|x-auth-token|x-api-key|private-token|set-cookie|cookie)${HEADER_SEPARATOR})[^ \t\r"'{[][^\r"']*`,
        replacement: String.raw`\1${REDACTED}`,
      },
      { pattern: String.raw`(bearer[ \t]+)[A-Za-z0-9._~+/-]{8,}=*`, replacement: String.raw`\1${REDACTED}` },
    ],
  },
  {
    kind: 'substitute',
    id: 'jwt',
    hint: ['eyJ'],
    description: 'JSON Web Tokens anywhere (service account tokens in logs and arguments): eyJ...eyJ...',
    ignoreCase: false,
    substitutions: [{ pattern: String.raw`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`, replacement: REDACTED }],
  },
] satisfies RedactionRule[]);
