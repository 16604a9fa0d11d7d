// The fake email inbox: polls the inbox state every second and shows new emails (and drops expired ones) as they
// come. The control token the page was opened with (if any) travels as a bearer token on every fetch.
(() => {
  "use strict";
  const POLL_MS = 1000;
  const inbox = document.getElementById("inbox");
  const emails = document.getElementById("emails");
  const status = document.getElementById("status");
  const token = inbox.dataset.token;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  let shown = currentIds();

  function currentIds() {
    return Array.from(emails.querySelectorAll("[data-message-id]"), (el) => el.dataset.messageId).join(",");
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = `status ${kind || ""}`;
  }

  async function refresh() {
    try {
      const response = await fetch(inbox.dataset.stateUrl, { headers, cache: "no-store" });
      if (!response.ok) {
        say(`The fake answered ${response.status} when asked for this inbox.`, "error");
        return;
      }
      const state = await response.json();
      const ids = state.emails.map((email) => email.id).join(",");
      if (ids !== shown) { // replace the markup only when the list changes, so a selection is not lost
        emails.innerHTML = state.emails_html;
        shown = ids;
      }
      say("", "");
    } catch (error) {
      say("The fake is not answering (is mock-idx still running?).", "error");
    }
  }

  setInterval(refresh, POLL_MS);
})();
