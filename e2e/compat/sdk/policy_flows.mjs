// Sign-on policy outcomes as okta-auth-js 8 meets them (Legacy mode): an app asking for a level with `acrValues`
// (and `maxAge`), passed as OktaAuth options so the SDK sends them on /v1/interact and checks the ID token's `acr`
// against them itself; and a sign-in the app's authentication policy denies. The assertions live in
// e2e/compat/test_auth_js_policy_outcomes.py.

async function tokensOf(j, tx) {
  return tx.status === 'SUCCESS' && tx.tokens ? { tokens: await j.verifyTokens(tx.tokens) } : {};
}

/** The password alone would do under the org's one-factor policy; the app's level asks for the email code too. */
async function stepUpByEmail(j) {
  const { login: username, password } = j.spec;
  await j.step('authenticate', () => j.idx.authenticate({ username, password }));
  await j.step('choose-email', () => j.idx.proceed({ authenticator: 'okta_email' }));
  const code = await j.control.lastCode(username, 'email');
  return tokensOf(j, await j.step('verify', () => j.idx.proceed({ verificationCode: code })));
}

/** A level the password meets: tokens straight after it. */
async function passwordLevel(j) {
  const { login: username, password } = j.spec;
  return tokensOf(j, await j.step('authenticate', () => j.idx.authenticate({ username, password })));
}

/** The app's policy denies this user: what the SDK reports, and nothing to exchange. */
async function accessDenied(j) {
  const { login: username, password } = j.spec;
  const tx = await j.step('authenticate', () => j.idx.authenticate({ username, password }));
  return { tokens: tx.tokens ?? null };
}

export const POLICY_FLOWS = {
  'step-up-email': stepUpByEmail,
  'password-level': passwordLevel,
  'access-denied': accessDenied,
};
