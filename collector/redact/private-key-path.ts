/**
 * Files that are never collected because of their NAME: private keys and key stores. Content
 * redaction (PEM blocks) still applies to everything else, so a key inside an oddly named file
 * (kubelet-client-current.pem holds a certificate AND its key) is removed by content; this list
 * is for names that are keys by convention, and for binary key stores that line redaction cannot
 * clean (PKCS#12, Java keystores).
 *
 * A `*-key.crt` name is not treated as a key (it is a certificate by extension); if it does hold a
 * key, the PEM rule removes it.
 */

/**
 * The names, as ERE in the subset shared with JavaScript (see types.ts), matched against the
 * BASE name without regard to case. The sh collector uses the same strings.
 */
export const PRIVATE_KEY_NAME_ERES: readonly string[] = Object.freeze([
  '\\.key$', // apiserver.key, sa.key, etcd/peer.key
  '[-_.]key\\.pem$', // admin-key.pem, etcd_key.pem, server.key.pem
  '^key\\.pem$', // docker TLS key.pem
  '^(private|priv)[-_.]?key', // private.key.pem, privkey.pem (letsencrypt)
  '^privkey[0-9]*\\.pem$',
  '^id_(rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk|xmss)$', // ssh keys (their .pub is fine)
  '^ssh_host_[a-z0-9]+_key$',
  '\\.(p12|pfx|jks|keystore|pk8|ppk|p8)$', // key stores and bare PKCS#8
  '^secring\\.gpg$',
]);

const KEY_NAME_PATTERNS: readonly RegExp[] = PRIVATE_KEY_NAME_ERES.map((ere) => new RegExp(ere, 'i'));

export function isPrivateKeyPath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '') return false;
  return KEY_NAME_PATTERNS.some((re) => re.test(base));
}
