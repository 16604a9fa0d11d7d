// "Forgot password?" and expired passwords, the way okta-auth-js 8's Legacy mode documents them:
// idx.recoverPassword({username, authenticators}) then proceed({verificationCode}) and proceed({password}); and
// idx.authenticate({username, password}) answered with reenroll-authenticator, then proceed({newPassword}), or with
// reenroll-authenticator-warning (the password expires soon), then proceed({skip: true}), which auth-js's Skip
// remediator answers with the document's skip remediation. The flows
// read the user's inbox through the control API and return what they saw; the assertions live in
// e2e/compat/test_auth_js_recovery.py.
import { Journey } from './journey.mjs';

async function tokensOf(j, tx) {
  return tx.status === 'SUCCESS' && tx.tokens ? { tokens: await j.verifyTokens(tx.tokens) } : {};
}

async function recoverByEmailCode(j) {
  const { login: username } = j.spec;
  await j.step('recover', () => j.idx.recoverPassword({ username, authenticators: ['okta_email'] }));
  const code = await j.control.lastCode(username, 'email');
  await j.step('code', () => j.idx.proceed({ verificationCode: code }));
  await j.step('weak', () => j.idx.proceed({ password: 'weak' }));
  const done = await j.step('new-password', () => j.idx.proceed({ password: j.spec.newPassword }));
  const again = new Journey({ ...j.spec, password: j.spec.newPassword });
  again.steps = j.steps;
  const signedIn = await again.step('sign-in-with-new', () =>
    again.idx.authenticate({ username, password: j.spec.newPassword }));
  return { ...(await tokensOf(j, done)), signedInAgain: signedIn.status };
}

async function recoverUnknownUser(j) {
  await j.step('recover', () => j.idx.recoverPassword({ username: j.spec.login, authenticators: ['okta_email'] }));
  await j.step('code', () => j.idx.proceed({ verificationCode: '123456' }));
  return {};
}

async function changeExpiredPassword(j) {
  const { login: username, password } = j.spec;
  await j.step('authenticate', () => j.idx.authenticate({ username, password }));
  const done = await j.step('new-password', () => j.idx.proceed({ newPassword: j.spec.newPassword }));
  return tokensOf(j, done);
}

async function skipExpiryWarning(j) {
  const { login: username, password } = j.spec;
  await j.step('authenticate', () => j.idx.authenticate({ username, password }));
  const done = await j.step('skip', () => j.idx.proceed({ skip: true }));
  return tokensOf(j, done);
}

export const RECOVERY_FLOWS = { recoverByEmailCode, recoverUnknownUser, changeExpiredPassword, skipExpiryWarning };
