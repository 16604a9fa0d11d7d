// The sign-in journeys exercised against mock_idx. Each flow returns what the SDK reported;
// assertions live on the pytest side (e2e/compat/test_compat_sdk_node.py).

/** Any code other than the current one, far from it so no adjacent TOTP window can match. */
function wrongCode(code) {
  return String((Number(code) + 500000) % 1000000).padStart(6, '0');
}

async function finish(j, tx) {
  return tx.status === 'SUCCESS' && tx.tokens ? { tokens: await j.verifyTokens(tx.tokens) } : {};
}

async function approvedPush(j) {
  await j.chooseMethod('push');
  await j.step('poll', () => j.driver.poll(j.idx)); // still waiting: nobody tapped yet
  await j.control.approve(j.spec.login);
  return finish(j, await j.pollUntilSettled());
}

async function deniedPush(j) {
  await j.chooseMethod('push');
  await j.control.deny(j.spec.login);
  await j.pollUntilSettled();
  return {};
}

async function deniedThenResent(j) {
  await deniedPush(j);
  await j.step('resend-after-deny', () => j.driver.resendAfterDeny(j.idx));
  const pushes = await j.control.pushes(j.spec.login);
  await j.control.approve(j.spec.login);
  return { pendingPushesAfterResend: pushes, ...(await finish(j, await j.pollUntilSettled())) };
}

/** Step mode naming the top-level `resend` remediation after a denial, the obvious call an app would write. */
async function deniedThenResentByRemediation(j) {
  await deniedPush(j);
  await j.step('resend-remediation', () => j.idx.proceed({ step: 'resend' }));
  return { pendingPushesAfterResend: await j.control.pushes(j.spec.login) };
}

/** On the push page, "Okta Verify" again by key: the option that names the current authenticator. */
async function reselectCurrent(j) {
  await j.chooseMethod('push');
  const before = await j.control.pushes(j.spec.login);
  let error = null;
  try {
    await j.step('reselect-okta-verify', () => j.driver.chooseOktaVerify(j.idx));
  } catch (err) {
    error = err.message;
  }
  return { error, pushesBefore: before, pushesAfter: await j.control.pushes(j.spec.login) };
}

async function timedOutPush(j) {
  await j.chooseMethod('push');
  await j.control.advanceClock(j.spec.advanceSeconds);
  await j.step('poll', () => j.driver.poll(j.idx));
  return {};
}

async function numberChallenge(j) {
  const tx = await j.chooseMethod('push');
  const correctAnswer = j.driver.correctAnswer(tx);
  const pushes = await j.control.pushes(j.spec.login);
  await j.control.approve(j.spec.login, Number(correctAnswer));
  return { correctAnswer, pushes, ...(await finish(j, await j.pollUntilSettled())) };
}

async function totp(j) {
  await j.chooseMethod('totp');
  const code = await j.control.totpCode(j.spec.login);
  return finish(j, await j.step('answer-totp', () => j.driver.answerTotp(j.idx, code)));
}

async function totpAfterClockAdvance(j) {
  await j.control.advanceClock(j.spec.advanceSeconds);
  return totp(j);
}

async function badTotp(j) {
  await j.chooseMethod('totp');
  const code = await j.control.totpCode(j.spec.login);
  await j.step('answer-wrong-totp', () => j.driver.answerTotp(j.idx, wrongCode(code)));
  // The form stays usable: the right code still signs the user in.
  const retry = await j.control.totpCode(j.spec.login);
  return finish(j, await j.step('answer-totp', () => j.driver.answerTotp(j.idx, retry)));
}

async function resend(j) {
  await j.chooseMethod('push');
  const before = await j.control.pushes(j.spec.login);
  await j.step('resend', () => j.driver.resend(j.idx));
  const after = await j.control.pushes(j.spec.login);
  await j.control.approve(j.spec.login);
  return { pushesBefore: before, pushesAfter: after, ...(await finish(j, await j.pollUntilSettled())) };
}

/**
 * Legacy mode's one-call selection (password, Okta Verify and push in a single authenticate), then what an app
 * does with the tokens afterwards: refresh them, introspect the access token, revoke it.
 */
async function upfrontPushThenTokenLifecycle(j) {
  const { login: username, password } = j.spec;
  await j.step('authenticate-upfront', () =>
    j.idx.authenticate({ username, password, authenticator: 'okta_verify', methodType: 'push' }));
  await j.control.approve(j.spec.login);
  const signedIn = await finish(j, await j.pollUntilSettled());
  const token = j.client.token;
  const renewed = await token.renewTokensWithRefresh({ scopes: j.spec.scopes }, j.last.tokens.refreshToken);
  const renewedChecks = { kinds: Object.keys(renewed).sort(), ...(await j.verifyTokens(renewed)) };
  const activeBefore = (await token.introspect('accessToken', renewed.accessToken)).active;
  await j.client.revokeAccessToken(renewed.accessToken);
  const activeAfter = (await token.introspect('accessToken', renewed.accessToken)).active;
  return { ...signedIn, renewed: renewedChecks, accessTokenActive: { beforeRevoke: activeBefore, afterRevoke: activeAfter } };
}

async function cancel(j) {
  await j.signIn();
  await j.step('cancel', () => j.driver.cancel(j.idx));
  return { canProceedAfterCancel: j.idx.canProceed() };
}

async function expiredState(j) {
  await j.signIn();
  await j.control.advanceClock(j.spec.advanceSeconds);
  await j.step('choose-okta-verify', () => j.driver.chooseOktaVerify(j.idx));
  return {};
}

export const FLOWS = {
  'push-approve': approvedPush,
  'push-deny': deniedPush,
  'push-deny-resend': deniedThenResent,
  'push-deny-resend-by-remediation': deniedThenResentByRemediation,
  'reselect-current': reselectCurrent,
  'push-timeout': timedOutPush,
  'push-timeout-terminal': timedOutPush,
  'number-challenge': numberChallenge,
  totp,
  'totp-after-clock-advance': totpAfterClockAdvance,
  'totp-bad': badTotp,
  resend,
  'push-upfront-token-lifecycle': upfrontPushThenTokenLifecycle,
  cancel,
  'expired-state': expiredState,
};
