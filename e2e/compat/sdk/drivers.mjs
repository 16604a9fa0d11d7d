// The same user journey, expressed once per okta-auth-js 8.x mode.
//
// Legacy mode (`enableLegacyMode: true`) is the guide's style: authenticate() auto-remediates and
// idx.poll() polls. Step mode (the 8.x default) names every remediation with `step` (or `actions`).
// Both send the same requests; only the calls and the shape of `nextStep` differ.

const legacy = {
  mode: 'legacy',
  begin: (idx, username, password) => [['authenticate', () => idx.authenticate({ username, password })]],
  chooseOktaVerify: (idx) => idx.proceed({ authenticator: 'okta_verify' }),
  chooseMethod: (idx, methodType) => idx.proceed({ methodType }),
  poll: (idx) => idx.poll(),
  answerTotp: (idx, verificationCode) => idx.proceed({ verificationCode }),
  resend: (idx) => idx.proceed({ resend: true }),
  resendAfterDeny: (idx) => idx.proceed({ actions: ['resend'] }),
  cancel: (idx) => idx.cancel(),
  pollRefresh: (tx) => tx.nextStep?.poll?.refresh,
  correctAnswer: (tx) => tx.nextStep?.authenticator?.contextualData?.correctAnswer,
};

const step = {
  mode: 'step',
  begin: (idx, username, password) => [
    ['start', () => idx.start()],
    ['identify', () => idx.proceed({ step: 'identify', username, password })],
  ],
  chooseOktaVerify: (idx) => idx.proceed({ step: 'select-authenticator-authenticate', authenticator: 'okta_verify' }),
  chooseMethod: (idx, methodType) => idx.proceed({ step: 'authenticator-verification-data', methodType }),
  poll: (idx) => idx.proceed({ step: 'challenge-poll' }),
  answerTotp: (idx, verificationCode) => idx.proceed({ step: 'challenge-authenticator', verificationCode }),
  resend: (idx) => idx.proceed({ actions: ['currentAuthenticator-resend'] }),
  // Okta nests the `resend` remediation's authenticator under value.form, which Step mode's `step: 'resend'` posts
  // without (see the 'push-deny-resend-by-remediation' flow); currentAuthenticator's flat resend carries it.
  resendAfterDeny: (idx) => idx.proceed({ actions: ['currentAuthenticator-resend'] }),
  cancel: (idx) => idx.cancel(),
  pollRefresh: (tx) => tx.nextStep?.refresh,
  correctAnswer: (tx) => tx.nextStep?.relatesTo?.value?.contextualData?.correctAnswer,
};

export const DRIVERS = { legacy, step };
