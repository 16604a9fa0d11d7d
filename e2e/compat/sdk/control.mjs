// Thin client for mock_idx's control API (/_mock/v1/): the "phone" and the clock.
// Flows use it to play the user's Okta Verify device while the SDK drives the login.

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

  advanceClock(seconds) {
    return this.call('POST', 'clock/advance', { seconds });
  }
}
