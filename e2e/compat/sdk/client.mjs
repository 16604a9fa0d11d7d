// Builds an unmodified okta-auth-js client pointed at a mock_idx server.
//
// Each client gets its own in-memory storageProvider: Node's default "memory"
// storage is one process-wide cache, so two clients with the same issuer would
// otherwise share (and corrupt) each other's IDX transaction.
import { OktaAuth } from '@okta/okta-auth-js';

function isolatedStorage() {
  const mem = new Map();
  const storageProvider = {
    getItem: (key) => (mem.has(key) ? mem.get(key) : null),
    setItem: (key, value) => mem.set(key, value),
    removeItem: (key) => mem.delete(key),
  };
  return {
    token: { storageProvider },
    cache: { storageProvider },
    transaction: { storageProvider },
  };
}

/**
 * @param {{base: string, mode: 'legacy'|'step', clientId: string, redirectUri: string, scopes?: string[],
 *   acrValues?: string, maxAge?: number}} spec
 *   base is the mock_idx root; Legacy mode auto-remediates, Step mode (the 8.x default) needs `step`. `acrValues` and
 *   `maxAge` are the SDK's own options: sent on /v1/interact, and the ID token's `acr` checked against `acrValues`.
 */
export function makeClient({ base, mode, clientId, redirectUri, scopes = ['openid', 'profile', 'email'], acrValues, maxAge }) {
  return new OktaAuth({
    ...(acrValues !== undefined && { acrValues }),
    ...(maxAge !== undefined && { maxAge }),
    issuer: `${base}/oauth2/default`,
    clientId,
    redirectUri,
    scopes,
    storageManager: isolatedStorage(),
    // Signature verification stays on (the default): the SDK must accept mock_idx's RS256 keys.
    ignoreSignature: false,
    idx: mode === 'legacy' ? { enableLegacyMode: true } : {},
  });
}
