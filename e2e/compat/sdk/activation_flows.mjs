// Account activation the way Okta's embedded-SDK guide does it: an admin activates the user (here the control API
// plays the admin), the app passes the activation token to idx.register({ activationToken }), and the user sets a
// password; then the user signs in with it. The refused tokens are reported as the SDK surfaces them. Assertions
// live in e2e/compat/test_auth_js_activation.py.
import { Journey } from './journey.mjs';

async function tokensOf(j, tx) {
  return tx.status === 'SUCCESS' && tx.tokens ? { tokens: await j.verifyTokens(tx.tokens) } : {};
}

/** What an SDK call threw, or its transaction's summary: a refused token may be either, depending on the SDK. */
async function outcome(j, label, call) {
  try {
    await j.step(label, call);
    return { threw: null };
  } catch (err) {
    return { threw: { name: err?.name ?? null, message: err?.message ?? String(err), error: err?.error ?? null } };
  }
}

async function activation(j) {
  const { activationToken } = await j.control.activate(j.spec.login, false);
  await j.step('register', () => j.idx.register({ activationToken }));
  await j.step('choose-password', () => j.idx.proceed({ authenticator: 'okta_password' }));
  await j.step('weak-password', () => j.idx.proceed({ password: 'short' }));
  const done = await j.step('password', () => j.idx.proceed({ password: j.spec.newPassword }));
  const activated = await tokensOf(j, done);
  const user = await j.control.userRecord(j.spec.login);
  const again = new Journey(j.spec);
  again.steps = j.steps;
  const signedIn = await again.step('sign-in', () =>
    again.idx.authenticate({ username: j.spec.login, password: j.spec.newPassword }));
  return { activated, status: user.status, ...(await tokensOf(again, signedIn)) };
}

async function activationUsedTwice(j) {
  const { activationToken } = await j.control.activate(j.spec.login, false);
  await j.step('register', () => j.idx.register({ activationToken }));
  await j.step('choose-password', () => j.idx.proceed({ authenticator: 'okta_password' }));
  await j.step('password', () => j.idx.proceed({ password: j.spec.newPassword }));
  const second = new Journey(j.spec);
  second.steps = j.steps;
  return outcome(second, 'register-again', () => second.idx.register({ activationToken }));
}

async function activationOfSuspendedUser(j) {
  const { activationToken } = await j.control.activate(j.spec.login, false);
  await j.control.setStatus(j.spec.login, 'SUSPENDED');
  return outcome(j, 'register', () => j.idx.register({ activationToken }));
}

async function suspendedSignIn(j) {
  await j.control.setStatus(j.spec.login, 'SUSPENDED');
  return outcome(j, 'authenticate', () =>
    j.idx.authenticate({ username: j.spec.login, password: j.spec.password }));
}

export const ACTIVATION_FLOWS = {
  activation,
  'activation-used-twice': activationUsedTwice,
  'activation-suspended': activationOfSuspendedUser,
  'suspended-sign-in': suspendedSignIn,
};
