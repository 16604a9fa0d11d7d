#!/usr/bin/env node
// Signs people in with okta-auth-js (unmodified) at a custom authorization server of mock_idx, the embedded way
// (IDX, Legacy mode: one authenticate() with password, Okta Verify and push, then poll), and reports what the SDK made
// of the tokens: the ID token verified by the SDK itself (signature from /v1/keys, iss, aud, nonce, at_hash), the
// access token as the SDK decodes it, and /v1/userinfo. The pytest side (test_auth_js_server_claims.py) asserts.
//
// Input (stdin, JSON): {"signIns": [{"id", "issuer", "clientId", "redirectUri", "scopes", "login", "password"}]}.
// Output (stdout, JSON): {"results": {<id>: {"ok": true, ...} | {"ok": false, "error": {...}}}}.
import { OktaAuth } from '@okta/okta-auth-js';

// Only our JSON goes to stdout; SDK chatter goes to stderr.
console.log = console.error;

const MAX_POLLS = 25;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each sign-in keeps its transaction to itself (Node's default storage is one process-wide cache). */
function isolatedStorage() {
  const mem = new Map();
  const storageProvider = {
    getItem: (key) => (mem.has(key) ? mem.get(key) : null),
    setItem: (key, value) => mem.set(key, value),
    removeItem: (key) => mem.delete(key),
  };
  return { token: { storageProvider }, cache: { storageProvider }, transaction: { storageProvider } };
}

function describeError(err) {
  return {
    name: err?.name ?? null,
    message: err?.message ?? String(err),
    errorCode: err?.errorCode ?? null,
    errorSummary: err?.errorSummary ?? null,
  };
}

async function signIn(spec) {
  const client = new OktaAuth({
    issuer: spec.issuer,
    clientId: spec.clientId,
    redirectUri: spec.redirectUri,
    scopes: spec.scopes,
    storageManager: isolatedStorage(),
    ignoreSignature: false,
    idx: { enableLegacyMode: true },
  });
  const { login: username, password } = spec;
  let tx = await client.idx.authenticate({ username, password, authenticator: 'okta_verify', methodType: 'push' });
  for (let polls = 0; tx.status === 'PENDING' && polls < MAX_POLLS; polls += 1) {
    await sleep(tx.nextStep?.poll?.refresh || 200);
    tx = await client.idx.poll();
  }
  if (tx.status !== 'SUCCESS' || !tx.tokens) {
    return {
      ok: false,
      status: tx.status,
      error: tx.error ? describeError(tx.error) : null,
      messages: (tx.messages || []).map((m) => m.message),
    };
  }
  const { idToken, accessToken } = tx.tokens;
  await client.token.verify(idToken, { accessToken: accessToken.accessToken });
  return {
    ok: true,
    verified: true,
    idClaims: idToken.claims,
    accessClaims: client.token.decode(accessToken.accessToken).payload,
    accessToken: accessToken.accessToken,
    scopes: accessToken.scopes,
    userInfo: await client.token.getUserInfo(accessToken, idToken),
  };
}

async function runOne(spec) {
  try {
    return await signIn(spec);
  } catch (err) {
    return { ok: false, status: null, error: describeError(err) };
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const plan = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const entries = await Promise.all(plan.signIns.map(async (spec) => [spec.id, await runOne(spec)]));
process.stdout.write(`${JSON.stringify({ results: Object.fromEntries(entries) })}\n`, () => process.exit(0));
