// Every authenticator, enrolled and verified, the way okta-auth-js 8's Legacy mode documents it:
// authenticate({username, password, authenticators}) then proceed({verificationCode | methodType | channel | answer
// | skip}) and poll(); and the 'steps:' flows, a few of the same journeys in Step mode (the 8.x default, every
// remediation named with `step`). The flows play the user (their inbox, phone, authenticator app and Okta Verify) through the
// control API and return what they saw; the assertions live in e2e/compat/test_auth_js_authenticators.py.
import { Journey } from './journey.mjs';
import { totpCode } from './totp.mjs';

/** A six-digit code that is not `code`. */
function otherCode(code) {
  return String((Number(code) + 500000) % 1000000).padStart(6, '0');
}

async function tokensOf(j, tx) {
  return tx.status === 'SUCCESS' && tx.tokens ? { tokens: await j.verifyTokens(tx.tokens) } : {};
}

/**
 * The pieces of an authenticator's contextualData a test looks at (never a whole QR image). Legacy mode puts the
 * authenticator on nextStep.authenticator, Step mode's generic remediator leaves it under nextStep.relatesTo.value.
 */
function contextual(tx) {
  const authenticator = tx.nextStep?.authenticator ?? tx.nextStep?.relatesTo?.value;
  const data = authenticator?.contextualData ?? {};
  return {
    qrcode: data.qrcode ? { method: data.qrcode.method, type: data.qrcode.type, isPng: /^data:image\/png;base64,/.test(data.qrcode.href) } : null,
    sharedSecret: data.sharedSecret ?? null,
    selectedChannel: data.selectedChannel ?? null,
    email: data.email ?? null,
    enrolledQuestion: data.enrolledQuestion ?? null,
    hasQuestions: Array.isArray(data.questions),
  };
}

/** A second sign-in by a new client (another browser), recorded in the same list of steps. */
function anotherSignIn(j) {
  const other = new Journey(j.spec);
  other.steps = j.steps;
  return other;
}

function begin(j, authenticators) {
  const { login: username, password } = j.spec;
  return j.step('authenticate', () => j.idx.authenticate({ username, password, authenticators }));
}

// --- Okta Verify -------------------------------------------------------------------------------------------------

async function oktaVerifyByQrCode(j) {
  const shown = await begin(j, ['okta_verify']);
  const qr = contextual(shown);
  await j.step('poll-before-scan', () => j.idx.poll());
  const activated = await j.control.activateOktaVerify(j.spec.login);
  const enrolled = await j.step('poll', () => j.idx.poll());
  const enrollment = await tokensOf(j, enrolled);
  const push = anotherSignIn(j);
  const { login: username, password } = j.spec;
  await push.step('authenticate-push', () =>
    push.idx.authenticate({ username, password, authenticator: 'okta_verify', methodType: 'push' }));
  await push.control.approve(username);
  const pushed = await push.pollUntilSettled();
  return {
    qr,
    activatedMethods: Object.keys(activated ?? {}),
    enrollment,
    ...(await tokensOf(push, pushed)),
  };
}

async function oktaVerifyByEmailLink(j) {
  await begin(j, ['okta_verify']);
  const sent = await j.step('channel-email', () => j.idx.proceed({ channel: 'email', email: j.spec.login }));
  const sentTo = contextual(sent);
  const [mail] = await j.control.messages(j.spec.login, 'email');
  await j.control.activateOktaVerify(j.spec.login, mail.link);
  const done = await j.step('poll', () => j.idx.poll());
  return { sentTo, mail: { to: mail.to, hasLink: Boolean(mail.link) }, ...(await tokensOf(j, done)) };
}

async function oktaVerifyBySmsLink(j) {
  await begin(j, ['okta_verify']);
  const sent = await j.step('channel-sms', () =>
    j.idx.proceed({ channel: 'sms', phoneNumber: j.spec.phoneNumber }));
  const [sms] = await j.control.messages(j.spec.login, 'sms');
  await j.control.activateOktaVerify(j.spec.login, sms.link);
  const done = await j.step('poll', () => j.idx.poll());
  return { sentTo: contextual(sent), sms: { to: sms.to, hasLink: Boolean(sms.link) }, ...(await tokensOf(j, done)) };
}

// --- email ---------------------------------------------------------------------------------------------------------

async function emailVerification(j) {
  const { login: username, password } = j.spec;
  await j.step('authenticate', () => j.idx.authenticate({ username, password }));
  await j.step('choose-email', () => j.idx.proceed({ authenticator: 'okta_email' }));
  const code = await j.control.lastCode(username, 'email');
  return tokensOf(j, await j.step('verify', () => j.idx.proceed({ verificationCode: code })));
}

async function emailWrongCode(j) {
  await begin(j, ['okta_email']);
  const code = await j.control.lastCode(j.spec.login, 'email');
  await j.step('wrong-code', () => j.idx.proceed({ verificationCode: otherCode(code) }));
  return tokensOf(j, await j.step('verify', () => j.idx.proceed({ verificationCode: code })));
}

/** "Send again" on the email challenge (the SDK fires the enrollment's resend action), then the newest code. */
async function emailResend(j) {
  await begin(j, ['okta_email']);
  await j.step('resend', () => j.idx.proceed({ resend: true }));
  const mails = await j.control.messages(j.spec.login, 'email');
  const done = await j.step('verify', () => j.idx.proceed({ verificationCode: mails[0].code }));
  return { emailsSent: mails.length, ...(await tokensOf(j, done)) };
}

async function emailExpiredCode(j) {
  await begin(j, ['okta_email']);
  const code = await j.control.lastCode(j.spec.login, 'email');
  await j.control.advanceClock(j.spec.advanceSeconds);
  await j.step('expired-code', () => j.idx.proceed({ verificationCode: code }));
  return {};
}

async function emailEnrollment(j) {
  await begin(j, ['okta_email']);
  const code = await j.control.lastCode(j.spec.login, 'email');
  await j.step('wrong-code', () => j.idx.proceed({ verificationCode: otherCode(code) }));
  const done = await j.step('verify', () => j.idx.proceed({ verificationCode: code }));
  return { ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

// --- phone ---------------------------------------------------------------------------------------------------------

async function smsEnrollment(j) {
  await begin(j, ['phone_number']);
  await j.step('invalid-number', () => j.idx.proceed({ methodType: 'sms', phoneNumber: j.spec.invalidPhoneNumber }));
  await j.step('enroll-sms', () => j.idx.proceed({ methodType: 'sms', phoneNumber: j.spec.phoneNumber }));
  const [sms] = await j.control.messages(j.spec.login, 'sms');
  const done = await j.step('verify', () => j.idx.proceed({ verificationCode: sms.code }));
  return { smsTo: sms.to, ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

async function voiceVerification(j) {
  const { login: username, password } = j.spec;
  await j.step('authenticate', () => j.idx.authenticate({ username, password, authenticator: 'phone_number' }));
  await j.step('choose-voice', () => j.idx.proceed({ methodType: 'voice' }));
  const code = await j.control.lastCode(username, 'voice');
  return tokensOf(j, await j.step('verify', () => j.idx.proceed({ verificationCode: code })));
}

/** Resend before Okta's 30 s are up (refused), then after them (the same code again), then that code. */
async function smsResendRateLimited(j) {
  await begin(j, [{ key: 'phone_number', methodType: 'sms' }]);
  await j.step('resend-too-soon', () => j.idx.proceed({ resend: true }));
  await j.control.advanceClock(j.spec.advanceSeconds);
  await j.step('resend', () => j.idx.proceed({ resend: true }));
  const texts = await j.control.messages(j.spec.login, 'sms');
  const done = await j.step('verify', () => j.idx.proceed({ verificationCode: texts[0].code }));
  return { texts: texts.map((t) => ({ to: t.to, code: t.code })), ...(await tokensOf(j, done)) };
}

// --- Google Authenticator ------------------------------------------------------------------------------------------

async function googleEnrollment(j) {
  const shown = await begin(j, ['google_otp']);
  const data = contextual(shown);
  const done = await j.step('verify', () => j.idx.proceed({ verificationCode: totpCode(data.sharedSecret) }));
  return { contextual: data, ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

async function googleVerification(j) {
  await begin(j, ['google_otp']);
  await j.step('wrong-code', () => j.idx.proceed({ verificationCode: otherCode(totpCode(j.spec.secret)) }));
  return tokensOf(j, await j.step('verify', () => j.idx.proceed({ verificationCode: totpCode(j.spec.secret) })));
}

async function googleReusedCode(j) {
  const code = totpCode(j.spec.secret);
  await begin(j, ['google_otp']);
  const first = await tokensOf(j, await j.step('verify', () => j.idx.proceed({ verificationCode: code })));
  const again = anotherSignIn(j);
  await again.step('authenticate-again', () =>
    again.idx.authenticate({ username: j.spec.login, password: j.spec.password, authenticators: ['google_otp'] }));
  await again.step('reused-code', () => again.idx.proceed({ verificationCode: code }));
  return first;
}

// --- security question ---------------------------------------------------------------------------------------------

async function securityQuestionPredefined(j) {
  const shown = await begin(j, ['security_question']);
  const { questionKey, answer } = j.spec;
  const done = await j.step('enroll', () => j.idx.proceed({ questionKey, answer }));
  return { contextual: contextual(shown), ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

async function securityQuestionCustom(j) {
  await begin(j, ['security_question']);
  const { question, answer } = j.spec;
  await j.step('short-answer', () => j.idx.proceed({ questionKey: 'custom', question, answer: 'abc' }));
  const done = await j.step('enroll', () => j.idx.proceed({ questionKey: 'custom', question, answer }));
  return { ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

async function securityQuestionVerification(j) {
  const shown = await begin(j, ['security_question']);
  await j.step('wrong-answer', () => j.idx.proceed({ answer: 'certainly not the answer' }));
  const done = await j.step('answer', () => j.idx.proceed({ answer: j.spec.answer }));
  return { contextual: contextual(shown), ...(await tokensOf(j, done)) };
}

// --- identifier first, optional authenticators ---------------------------------------------------------------------

async function identifierFirst(j) {
  await j.step('authenticate', () => j.idx.authenticate({ username: j.spec.login }));
  await j.step('wrong-password', () => j.idx.proceed({ password: `${j.spec.password}-not` }));
  return tokensOf(j, await j.step('password', () => j.idx.proceed({ password: j.spec.password })));
}

async function passwordEnrollment(j) {
  await j.step('authenticate', () => j.idx.authenticate({ username: j.spec.login }));
  const code = await j.control.lastCode(j.spec.login, 'email');
  await j.step('verify', () => j.idx.proceed({ verificationCode: code }));
  await j.step('choose-password', () => j.idx.proceed({ authenticator: 'okta_password' }));
  await j.step('weak-password', () => j.idx.proceed({ password: j.spec.weakPassword }));
  await j.step('password', () => j.idx.proceed({ password: j.spec.newPassword }));
  return tokensOf(j, await j.step('skip', () => j.idx.proceed({ skip: true }))); // the org's optional phone
}

async function identifierFirstThenSkip(j) {
  await j.step('authenticate', () => j.idx.authenticate({ username: j.spec.login }));
  await j.step('password', () => j.idx.proceed({ password: j.spec.password }));
  await j.step('choose-email', () => j.idx.proceed({ authenticator: 'okta_email' }));
  const code = await j.control.lastCode(j.spec.login, 'email');
  await j.step('verify', () => j.idx.proceed({ verificationCode: code }));
  const done = await j.step('skip', () => j.idx.proceed({ skip: true }));
  return { ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

// --- Step mode (the 8.x default): the same journeys, each remediation named ---------------------------------------

function stepIn(j, label, step, values = {}) {
  return j.step(label, () => j.idx.proceed({ step, ...values }));
}

async function identifyStep(j, withPassword = true) {
  const { login: username, password } = j.spec;
  await j.step('start', () => j.idx.start());
  return stepIn(j, 'identify', 'identify', withPassword ? { username, password } : { username });
}

async function oktaVerifyByEmailLinkInSteps(j) {
  await identifyStep(j);
  await stepIn(j, 'choose-okta-verify', 'select-authenticator-enroll', { authenticator: 'okta_verify' });
  await stepIn(j, 'channel-email', 'select-enrollment-channel', { channel: 'email' });
  await stepIn(j, 'send-email', 'enrollment-channel-data', { email: j.spec.login });
  const [mail] = await j.control.messages(j.spec.login, 'email');
  await j.control.activateOktaVerify(j.spec.login, mail.link);
  return tokensOf(j, await stepIn(j, 'poll', 'enroll-poll'));
}

async function smsEnrollmentInSteps(j) {
  await identifyStep(j);
  await stepIn(j, 'choose-phone', 'select-authenticator-enroll', { authenticator: 'phone_number' });
  await stepIn(j, 'invalid-number', 'authenticator-enrollment-data', {
    methodType: 'sms',
    phoneNumber: j.spec.invalidPhoneNumber,
  });
  await stepIn(j, 'enroll-sms', 'authenticator-enrollment-data', { methodType: 'sms', phoneNumber: j.spec.phoneNumber });
  const code = await j.control.lastCode(j.spec.login, 'sms');
  const done = await stepIn(j, 'verify', 'enroll-authenticator', { verificationCode: code });
  return { ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

async function voiceVerificationInSteps(j) {
  await identifyStep(j);
  await stepIn(j, 'choose-phone', 'select-authenticator-authenticate', { authenticator: 'phone_number' });
  await stepIn(j, 'choose-voice', 'authenticator-verification-data', { methodType: 'voice' });
  const code = await j.control.lastCode(j.spec.login, 'voice');
  return tokensOf(j, await stepIn(j, 'verify', 'challenge-authenticator', { verificationCode: code }));
}

async function googleEnrollmentInSteps(j) {
  await identifyStep(j);
  const shown = await stepIn(j, 'choose-google', 'select-authenticator-enroll', { authenticator: 'google_otp' });
  const data = contextual(shown);
  const code = totpCode(data.sharedSecret);
  const done = await stepIn(j, 'verify', 'enroll-authenticator', { verificationCode: code });
  return { contextual: data, ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

async function securityQuestionCustomInSteps(j) {
  await identifyStep(j);
  await stepIn(j, 'choose-question', 'select-authenticator-enroll', { authenticator: 'security_question' });
  const { question, answer } = j.spec;
  const done = await stepIn(j, 'enroll', 'enroll-authenticator', { questionKey: 'custom', question, answer });
  return { ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

async function identifierFirstThenSkipInSteps(j) {
  await identifyStep(j, false);
  await stepIn(j, 'password', 'challenge-authenticator', { password: j.spec.password });
  await stepIn(j, 'choose-email', 'select-authenticator-enroll', { authenticator: 'okta_email' });
  const code = await j.control.lastCode(j.spec.login, 'email');
  await stepIn(j, 'verify', 'enroll-authenticator', { verificationCode: code });
  const done = await stepIn(j, 'skip', 'skip');
  return { ...(await tokensOf(j, done)), user: await j.control.userRecord(j.spec.login) };
}

export const AUTHENTICATOR_FLOWS = {
  'steps:okta-verify-email': oktaVerifyByEmailLinkInSteps,
  'steps:sms-enroll': smsEnrollmentInSteps,
  'steps:voice-verify': voiceVerificationInSteps,
  'steps:google-enroll': googleEnrollmentInSteps,
  'steps:security-question-custom': securityQuestionCustomInSteps,
  'steps:identifier-first-skip': identifierFirstThenSkipInSteps,
  'okta-verify-qr': oktaVerifyByQrCode,
  'okta-verify-email': oktaVerifyByEmailLink,
  'okta-verify-sms': oktaVerifyBySmsLink,
  'email-verify': emailVerification,
  'email-wrong-code': emailWrongCode,
  'email-resend': emailResend,
  'email-expired-code': emailExpiredCode,
  'email-enroll': emailEnrollment,
  'sms-enroll': smsEnrollment,
  'voice-verify': voiceVerification,
  'sms-resend': smsResendRateLimited,
  'google-enroll': googleEnrollment,
  'google-verify': googleVerification,
  'google-reused-code': googleReusedCode,
  'security-question-predefined': securityQuestionPredefined,
  'security-question-custom': securityQuestionCustom,
  'security-question-verify': securityQuestionVerification,
  'identifier-first': identifierFirst,
  'password-enroll': passwordEnrollment,
  'identifier-first-skip': identifierFirstThenSkip,
};
