// Self-service registration the way okta-auth-js 8 documents it (Legacy mode): idx.register() then proceed() with
// the profile, the authenticators to enroll and their codes; or idx.register({...}) with the whole profile and the
// password in one call. The flows play the newcomer (their inbox) through the control API and return what they saw;
// the assertions live in e2e/compat/test_auth_js_registration.py.

async function tokensOf(j, tx) {
  return tx.status === 'SUCCESS' && tx.tokens ? { tokens: await j.verifyTokens(tx.tokens) } : {};
}

function profileOf(spec, email = spec.login) {
  return { firstName: spec.firstName, lastName: spec.lastName, email };
}

/** "Sign up", each refusal of the form in turn, then the email verified and a password set, step by step. */
async function registerStepByStep(j) {
  const { spec } = j;
  await j.step('register', () => j.idx.register());
  await j.step('not-an-email', () => j.idx.proceed(profileOf(spec, spec.notAnEmail)));
  await j.step('taken-email', () => j.idx.proceed(profileOf(spec, spec.takenEmail)));
  await j.step('profile', () => j.idx.proceed(profileOf(spec)));
  const staged = await j.control.userRecord(spec.login);
  await j.step('choose-email', () => j.idx.proceed({ authenticator: 'okta_email' }));
  const code = await j.control.lastCode(spec.login, 'email');
  await j.step('verify-email', () => j.idx.proceed({ verificationCode: code }));
  await j.step('choose-password', () => j.idx.proceed({ authenticator: 'okta_password' }));
  const done = await j.step('password', () => j.idx.proceed({ password: spec.newPassword }));
  return { staged, user: await j.control.userRecord(spec.login), ...(await tokensOf(j, done)) };
}

/** idx.register() with the profile and the password at once: the SDK walks every step itself. */
async function registerInOneCall(j) {
  const { spec } = j;
  const done = await j.step('register', () =>
    j.idx.register({ ...profileOf(spec), password: spec.newPassword, authenticator: 'okta_password' }));
  return { user: await j.control.userRecord(spec.login), ...(await tokensOf(j, done)) };
}

/** An org that does not let people sign up: the SDK refuses before asking anything. */
async function registerWhereSignUpIsOff(j) {
  try {
    await j.step('register', () => j.idx.register());
  } catch (err) {
    return { refused: { name: err.name, message: err.message } };
  }
  return { refused: null };
}

export const REGISTRATION_FLOWS = {
  'register-step-by-step': registerStepByStep,
  'register-one-call': registerInOneCall,
  'register-sign-up-off': registerWhereSignUpIsOff,
};
