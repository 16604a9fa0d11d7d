// Builds an unmodified okta-auth-js client pointed at a mock_idx server.
//
// Each client gets its own in-memory storageProvider: Node's default "memory"
// storage is one process-wide cache, so two clients with the same issuer would
// otherwise share (and corrupt) each other's IDX transaction.
import { OktaAuth } from '@okta/okta-auth-js';

export const CLIENT_ID = 'compat-node-client';
export const REDIRECT_URI = 'http://localhost:8080/login/callback';

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
 * @param {string} baseUrl  mock_idx root, e.g. http://127.0.0.1:1234
 * @param {'legacy'|'step'} mode  Legacy mode auto-remediates; Step mode (the 8.x default) needs `step`.
 */
export function makeClient(baseUrl, mode) {
  return new OktaAuth({
    issuer: `${baseUrl}/oauth2/default`,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    scopes: ['openid', 'profile', 'email'],
    storageManager: isolatedStorage(),
    // Signature verification stays on (the default): the SDK must accept mock_idx's RS256 keys.
    ignoreSignature: false,
    idx: mode === 'legacy' ? { enableLegacyMode: true } : {},
  });
}
