#!/usr/bin/env node
// Runs okta-auth-js sign-in flows against mock_idx, all concurrently in this one process, and
// prints {"results": {<id>: {...}}} as a single JSON document on stdout.
//
// Input (stdin, JSON): {"flows": [{"id", "flow", "mode": "legacy"|"step", "base", "clientId",
// "redirectUri", "login", "password", "advanceSeconds"?, "acrValues"?, "maxAge"?, ...whatever else the flow reads (a TOTP secret, a phone
// number, an answer)}], "timeoutMs"?}. Each flow gets its own OktaAuth instance with private storage, which is what lets
// them share a process without sharing state. Flows: sdk/flows.mjs (Okta Verify sign-in) and
// sdk/authenticator_flows.mjs (every authenticator, enrolled and verified), sdk/unlock_flows.mjs (lockout and
// self-service unlock), sdk/activation_flows.mjs (account activation by token, user statuses),
// sdk/recovery_flows.mjs (password recovery and expiry), sdk/registration_flows.mjs (sign-up),
// sdk/policy_flows.mjs (step-up, denial).
import { ACTIVATION_FLOWS } from './sdk/activation_flows.mjs';
import { AUTHENTICATOR_FLOWS } from './sdk/authenticator_flows.mjs';
import { FLOWS as PUSH_AND_TOTP_FLOWS } from './sdk/flows.mjs';
import { Journey } from './sdk/journey.mjs';
import { POLICY_FLOWS } from './sdk/policy_flows.mjs';
import { RECOVERY_FLOWS } from './sdk/recovery_flows.mjs';
import { REGISTRATION_FLOWS } from './sdk/registration_flows.mjs';
import { UNLOCK_FLOWS } from './sdk/unlock_flows.mjs';

const FLOWS = {
  ...PUSH_AND_TOTP_FLOWS,
  ...AUTHENTICATOR_FLOWS,
  ...UNLOCK_FLOWS,
  ...ACTIVATION_FLOWS,
  ...RECOVERY_FLOWS,
  ...REGISTRATION_FLOWS,
  ...POLICY_FLOWS,
};

// Only our JSON goes to stdout; SDK chatter (console.log/warn) goes to stderr.
console.log = console.error;

function describeError(err) {
  return {
    name: err?.name ?? null,
    message: err?.message ?? String(err),
    errorCode: err?.errorCode ?? null,
    errorSummary: err?.errorSummary ?? null,
    status: err?.xhr?.status ?? null,
    stack: err?.stack ?? null,
  };
}

async function runOne(spec, timeoutMs) {
  const journey = new Journey(spec);
  const flow = FLOWS[spec.flow];
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`flow timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    if (!flow) throw new Error(`unknown flow ${spec.flow}`);
    const extra = await Promise.race([flow(journey), timeout]);
    return { ok: true, steps: journey.steps, ...extra };
  } catch (err) {
    return { ok: false, error: describeError(err), steps: journey.steps };
  } finally {
    clearTimeout(timer);
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const plan = await readStdin();
const timeoutMs = plan.timeoutMs ?? 45000;
const entries = await Promise.all(plan.flows.map(async (spec) => [spec.id, await runOne(spec, timeoutMs)]));
// Exit explicitly: a timed-out flow may still have a request in flight.
process.stdout.write(`${JSON.stringify({ results: Object.fromEntries(entries) })}\n`, () => process.exit(0));
