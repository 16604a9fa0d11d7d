// One sign-in attempt by one SDK client, recorded step by step.
//
// Every SDK call is summarised (status, nextStep, messages as the SDK reports them) so the pytest
// side can assert on exactly what an application using okta-auth-js would see.
import { makeClient } from './client.mjs';
import { Control } from './control.mjs';
import { DRIVERS } from './drivers.mjs';

const MAX_POLLS = 25;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function messageKeys(messages) {
  return (messages || []).map((m) => ({ key: m.i18n?.key ?? null, class: m.class ?? null, message: m.message }));
}

function summarizeInputs(inputs) {
  return (inputs || []).map((input) => ({ name: input.name, messages: messageKeys(input.messages?.value) }));
}

export function summarize(tx, driver) {
  const next = tx.nextStep;
  return {
    status: tx.status,
    requestDidSucceed: tx.requestDidSucceed ?? null,
    messages: messageKeys(tx.messages),
    nextStep: next
      ? {
          name: next.name,
          inputs: summarizeInputs(next.inputs),
          canResend: next.canResend ?? null,
          canSkip: next.canSkip ?? null,
          authenticatorKey: (next.authenticator ?? next.relatesTo?.value)?.key ?? null,
          refresh: driver.pollRefresh(tx) ?? null,
          correctAnswer: driver.correctAnswer(tx) ?? null,
        }
      : null,
    availableSteps: (tx.availableSteps || []).map((s) => s.name),
    hasTokens: Boolean(tx.tokens),
  };
}

export class Journey {
  constructor(spec) {
    this.spec = spec;
    this.driver = DRIVERS[spec.mode];
    if (!this.driver) throw new Error(`unknown mode ${spec.mode}`);
    this.client = makeClient(spec);
    this.idx = this.client.idx;
    this.control = new Control(spec.base);
    this.steps = [];
  }

  /** Runs one SDK call, records its summary, and returns the raw transaction. */
  async step(label, call) {
    const tx = await call();
    this.steps.push({ label, ...summarize(tx, this.driver) });
    this.last = tx;
    return tx;
  }

  async signIn() {
    let tx;
    for (const [label, call] of this.driver.begin(this.idx, this.spec.login, this.spec.password)) {
      tx = await this.step(label, call);
    }
    return tx;
  }

  /** Password, then Okta Verify, then the given method: the guide's two-request selection. */
  async chooseMethod(methodType) {
    await this.signIn();
    await this.step('choose-okta-verify', () => this.driver.chooseOktaVerify(this.idx));
    return this.step(`choose-${methodType}`, () => this.driver.chooseMethod(this.idx, methodType));
  }

  /** Polls at the pace the server asked for until the SDK reports something other than PENDING-on-poll. */
  async pollUntilSettled() {
    for (let i = 0; i < MAX_POLLS; i += 1) {
      await sleep(this.driver.pollRefresh(this.last) || 200);
      const tx = await this.step('poll', () => this.driver.poll(this.idx));
      if (tx.status !== 'PENDING' || tx.nextStep?.name !== 'challenge-poll') return tx;
    }
    throw new Error(`still pending after ${MAX_POLLS} polls`);
  }

  /**
   * Verifies the id_token with the SDK's own verifier, checks that a forged one is refused, and asks
   * /v1/userinfo with the access token (the SDK checks its `sub` against the id_token's).
   */
  async verifyTokens(tokens) {
    const { idToken, accessToken } = tokens;
    await this.client.token.verify(idToken, { accessToken: accessToken.accessToken });
    const userInfo = await this.client.token.getUserInfo(accessToken, idToken);
    const [header, payload, signature] = idToken.idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'forged' })).toString('base64url');
    let forgedError = null;
    try {
      await this.client.token.verify({ ...idToken, idToken: `${header}.${forgedPayload}.${signature}` });
    } catch (err) {
      forgedError = err.message;
    }
    return {
      verified: true,
      forgedError,
      userInfo,
      claims: idToken.claims,
      issuer: idToken.issuer,
      clientId: idToken.clientId,
      scopes: accessToken.scopes,
      tokenType: accessToken.tokenType,
      accessTokenPresent: Boolean(accessToken.accessToken),
      expiresInFuture: accessToken.expiresAt > Date.now() / 1000,
    };
  }
}
