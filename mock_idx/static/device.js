// The simulated phone: polls the device state twice a second, answers pushes and adds accounts (Okta Verify
// activations) through the control API, and shows the texts and calls the org sent.
// The control token the page was opened with (if any) travels as a bearer token on every fetch.
(() => {
  "use strict";
  const POLL_MS = 500;
  const phone = document.getElementById("phone");
  const pushes = document.getElementById("pushes");
  const status = document.getElementById("status");
  const activations = document.getElementById("activations");
  const activateForm = document.getElementById("activate-form");
  const ADDED_KEY = "mock-idx-account-added";
  const token = phone.dataset.token;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const texts = document.getElementById("texts");
  let shownPushes = currentPushIds();
  let shownActivations = currentActivationTokens();
  let shownTexts = currentTextIds();
  let skewMs = 0; // the fake's (possibly advanced) clock minus this browser's

  function currentPushIds() {
    return Array.from(pushes.querySelectorAll("[data-push-id]"), (el) => el.dataset.pushId).join(",");
  }

  function currentActivationTokens() {
    return Array.from(activations.querySelectorAll("[data-activation]"), (el) => el.dataset.activation).join(",");
  }

  function currentTextIds() {
    return Array.from(texts.querySelectorAll("[data-message-id]"), (el) => el.dataset.messageId).join(",");
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = `status ${kind || ""}`;
  }

  function seconds(ms) {
    return Math.max(0, Math.round(ms / 1000));
  }

  function updateTimes() {
    const now = Date.now() + skewMs;
    phone.querySelectorAll("[data-since]").forEach((el) => {
      el.textContent = `${seconds(now - Date.parse(el.dataset.since))} s ago`;
    });
    phone.querySelectorAll("[data-until]").forEach((el) => {
      el.textContent = `in ${seconds(Date.parse(el.dataset.until) - now)} s`;
    });
  }

  function show(state) {
    skewMs = Date.parse(state.now) - Date.now();
    const ids = state.pushes.map((push) => push.id).join(",");
    if (ids !== shownPushes) { // replace the markup only when the list changes, never under a finger
      pushes.innerHTML = state.pushes_html;
      shownPushes = ids;
    }
    const tokens = state.activations.map((activation) => activation.token).join(",");
    if (tokens !== shownActivations) {
      activations.innerHTML = state.activations_html;
      shownActivations = tokens;
    }
    const textIds = state.texts.map((text) => text.id).join(",");
    if (textIds !== shownTexts) {
      texts.innerHTML = state.texts_html;
      shownTexts = textIds;
    }
    updateTimes();
    if (state.totp) {
      document.getElementById("totp-code").textContent = state.totp.code;
      document.getElementById("totp-seconds").textContent = state.totp.seconds_left;
    }
  }

  async function refresh() {
    try {
      const response = await fetch(phone.dataset.stateUrl, { headers, cache: "no-store" });
      if (response.ok) {
        show(await response.json());
      } else {
        say(`The fake answered ${response.status} when asked for this phone's state.`, "error");
      }
    } catch (error) {
      say("The fake is not answering (is mock-idx still running?).", "error");
    }
  }

  function outcome(answer, push) {
    if (push.state === "approved") return ["Approved. Go back to the app: it signs in at its next poll.", "ok"];
    if (answer !== undefined) return ["Wrong number: this sign-in was denied, as a real phone would.", "error"];
    return ["Denied. The app is told you rejected the sign-in.", "error"];
  }

  async function answer(button) {
    const { action, push: pushId, answer: number } = button.dataset;
    const body = { push_id: pushId };
    if (number !== undefined) body.answer = Number(number);
    button.closest("article").querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const response = await fetch(`${phone.dataset.apiBase}/push/${action}`, {
      method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const reply = await response.json().catch(() => ({}));
    if (response.ok) {
      say(...outcome(number, reply));
    } else {
      say(reply.message || `The fake answered ${response.status}.`, "error");
    }
    await refresh();
  }

  async function activate(uri, buttons) {
    buttons.forEach((b) => { b.disabled = true; });
    const response = await fetch(`${phone.dataset.apiBase}/okta-verify/activate`, {
      method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ uri }),
    });
    const reply = await response.json().catch(() => ({}));
    if (response.ok) { // reload without ?activate= to show the new account's code
      sessionStorage.setItem(ADDED_KEY, "1");
      const url = new URL(window.location.href);
      url.searchParams.delete("activate");
      window.location.replace(url.toString());
      return;
    }
    buttons.forEach((b) => { b.disabled = false; });
    say(reply.message || `The fake answered ${response.status}.`, "error");
    await refresh();
  }

  pushes.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) answer(button);
  });
  activations.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action='activate']");
    if (button) activate(button.dataset.token, [button]);
  });
  activateForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const uri = activateForm.elements.uri.value.trim();
    if (uri) activate(uri, Array.from(activateForm.querySelectorAll("button")));
  });
  if (sessionStorage.getItem(ADDED_KEY)) {
    sessionStorage.removeItem(ADDED_KEY);
    say("Account added: Okta Verify is set up on this phone. The sign-in continues at its next poll.", "ok");
  }
  updateTimes();
  setInterval(refresh, POLL_MS);
})();
