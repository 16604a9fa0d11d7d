// Thin client for mock_idx's control API (/_mock/v1/): the "phone", the inbox and the clock.
// Flows use it to play the user's Okta Verify device and read their mail while the SDK drives the login.

export class Control {
  constructor(baseUrl) {
    this.root = `${baseUrl}/_mock/v1`;
  }

  async call(method, path, body) {
    const res = await fetch(`${this.root}/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`control ${method} ${path} -> ${res.status}: ${text}`);
    }
    return text ? JSON.parse(text) : null;
  }

  user(login) {
    return `users/${encodeURIComponent(login)}`;
  }

  pushes(login) {
    return this.call('GET', `${this.user(login)}/pushes`);
  }

  approve(login, answer) {
    return this.call('POST', `${this.user(login)}/push/approve`, answer === undefined ? {} : { answer });
  }

  deny(login) {
    return this.call('POST', `${this.user(login)}/push/deny`, {});
  }

  async totpCode(login) {
    return (await this.call('GET', `${this.user(login)}/totp`)).code;
  }

  /** The emails, texts and calls sent to `login`, newest first, each with its `code` and `link` parsed. */
  async messages(login, channel) {
    const query = channel ? `?channel=${encodeURIComponent(channel)}` : '';
    return (await this.call('GET', `${this.user(login)}/messages${query}`)).messages;
  }

  /** The code in the newest message on `channel`: what the user types in. */
  async lastCode(login, channel = 'email') {
    const [newest] = (await this.messages(login, channel)).filter((m) => m.code !== null);
    if (!newest) throw new Error(`no ${channel} message with a code for ${login}`);
    return newest.code;
  }

  /** Scan the QR code (or open the link `uri`) with the simulated Okta Verify: the account is added. */
  activateOktaVerify(login, uri) {
    return this.call('POST', `${this.user(login)}/okta-verify/activate`, uri === undefined ? {} : { uri });
  }

  /** The user as the org stores it (its enrolled authenticators included). */
  /** Okta's lifecycle/activate: {activationToken, activationUrl, user}. */
  activate(login, sendEmail = true) {
    return this.call('POST', `${this.user(login)}/lifecycle/activate`, { sendEmail });
  }

  setStatus(login, status) {
    return this.call('PUT', `${this.user(login)}/status`, { status });
  }

  userRecord(login) {
    return this.call('GET', this.user(login));
  }

  advanceClock(seconds) {
    return this.call('POST', 'clock/advance', { seconds });
  }
}
