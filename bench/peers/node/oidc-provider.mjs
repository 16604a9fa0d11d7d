// oidc-provider (npm, 9.x) as the peer bench runs it: `node oidc-provider.mjs PORT`.
// One confidential client (secret, authorization_code + refresh_token + client_credentials), access tokens as RS256
// JWTs for one resource server (resource indicators, accessTokenFormat 'jwt'), so each token answer signs as mock-idx
// does; the built-in development login form (devInteractions) is the login step, and the consent prompt is granted
// up front for the bench client (loadExistingGrant), as a first-party app would be configured.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const RESOURCE = 'urn:bench:api';
const SCOPE = 'api:read';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'bench-app',
    client_secret: 'bench-secret',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1:9/callback'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: ['bench-cookie-key'] },
  scopes: ['openid', 'offline_access', SCOPE],
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: SCOPE,
        audience: RESOURCE,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  findAccount: (ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(`openid offline_access ${SCOPE}`);
    grant.addResourceScope(RESOURCE, SCOPE);
    await grant.save();
    return grant;
  },
});
provider.listen(port, '127.0.0.1');
