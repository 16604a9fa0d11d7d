// Lockout and self-service unlock, the way okta-auth-js 8 documents idx.unlockAccount: wrong passwords lock the
// account, the right one is refused, then unlockAccount() (the identify page's "Unlock account?"), proceed({username,
// authenticator[, methodType]}), proceed({verificationCode}) from the user's inbox or phone, and the right password
// signs in again. Each phase runs in a client of its own (another tab), recorded in the one list of steps; the
// assertions live in e2e/compat/test_auth_js_unlock.py.
import { Journey } from './journey.mjs';

const WRONG = 'Wr0ng-Passw0rd!';

function sameSteps(j) {
  const other = new Journey(j.spec);
  other.steps = j.steps;
  return other;
}

async function lockedOut(j) {
  const { login: username, password } = j.spec;
  for (let attempt = 0; attempt < j.spec.maxAttempts; attempt += 1) {
    const tab = sameSteps(j);
    await tab.step('wrong-password', () => tab.idx.authenticate({ username, password: WRONG }));
  }
  const tab = sameSteps(j);
  await tab.step('right-password-while-locked', () => tab.idx.authenticate({ username, password }));
  return (await j.control.userRecord(username)).status;
}

function unlockFlow(authenticator, methodType, channel) {
  return async (j) => {
    const statusWhenLocked = await lockedOut(j);
    const { login: username, password } = j.spec;
    const tab = sameSteps(j);
    await tab.step('unlock-account', () => tab.idx.unlockAccount());
    const choice = methodType ? { username, authenticator, methodType } : { username, authenticator };
    await tab.step('choose', () => tab.idx.proceed(choice));
    const verificationCode = await j.control.lastCode(username, channel);
    await tab.step('verify', () => tab.idx.proceed({ verificationCode }));
    const statusAfter = (await j.control.userRecord(username)).status;
    const again = sameSteps(j);
    const signedIn = await again.step('sign-in-after-unlock', () => again.idx.authenticate({ username, password }));
    return { statusWhenLocked, statusAfter, signedIn: signedIn.status === 'SUCCESS' && Boolean(signedIn.tokens) };
  };
}

export const UNLOCK_FLOWS = {
  unlockByEmail: unlockFlow('okta_email', null, 'email'),
  unlockBySms: unlockFlow('phone_number', 'sms', 'sms'),
};
