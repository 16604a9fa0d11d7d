// The waiting pages' poller (PushSent, and Okta Verify's setup page), as in Okta's ASP.NET guide: wait `Refresh` ms,
// ask the app's poll endpoint (ChallengePoll or EnrollPoll, the element's `data-poll-url`), and either wait again or
// go to `Next`. The pace always comes from the server.
//
// Once the user leaves the page (submits any form, such as Cancel, follows a link, or navigates away) the poller stops for good:
// the poll in flight is aborted and any answer that still arrives is ignored. Otherwise a late answer ("session
// expired", because Cancel just ended the sign-in) would send the user to "Push expired" instead of where they
// chose to go. A page restored from the back/forward cache starts polling again.
(function () {
  'use strict';
  var status = document.querySelector('[data-poll-url]');
  if (!status) { return; }
  var url = status.dataset.pollUrl;
  var refresh = Number(status.dataset.refresh) || 4000;
  var MAX_WAIT_MS = 60000;
  var stopped = false;
  var timer = null;
  var inFlight = null;

  function isLocalPath(path) {
    return typeof path === 'string' && path.charAt(0) === '/' && path.charAt(1) !== '/' && path.indexOf('\\') < 0;
  }

  function schedule(ms) {
    timer = setTimeout(poll, ms);
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    if (inFlight) {
      inFlight.abort();
      inFlight = null;
    }
  }

  function poll() {
    var request = new AbortController();
    inFlight = request;
    // Every answer is checked against `request`: one that arrives after stop() (or after a newer poll) is stale.
    function current() { return !stopped && inFlight === request; }
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: request.signal })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!current()) { return; }
        inFlight = null;
        if (data.ContinuePolling) {
          refresh = Number(data.Refresh) || refresh;
          schedule(refresh);
        } else {
          stop();
          window.location.assign(isLocalPath(data.Next) ? data.Next : '/');
        }
      })
      .catch(function () {
        if (!current()) { return; }
        // The app itself was unreachable: keep trying, more slowly.
        inFlight = null;
        refresh = Math.min(refresh * 2, MAX_WAIT_MS);
        schedule(refresh);
      });
  }

  function leavesByLink(event) {
    var link = event.target.closest ? event.target.closest('a[href]') : null;
    var newTab = event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || link && link.target;
    return link !== null && !newTab;
  }

  // Capture phase: before the form's or link's own navigation starts. (pagehide comes only once the next page
  // has arrived, which leaves time for a late answer to win.)
  document.addEventListener('submit', stop, true);
  document.addEventListener('click', function (event) { if (leavesByLink(event)) { stop(); } }, true);
  window.addEventListener('pagehide', stop);
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && stopped) {
      stopped = false;
      schedule(0);
    }
  });
  schedule(refresh);
})();
