// The PushSent page's poller, as in Okta's ASP.NET guide: wait `Refresh` ms, ask the app's ChallengePoll
// endpoint, and either wait again or go to `Next`. The pace always comes from the server.
(function () {
  'use strict';
  var status = document.getElementById('push-poll');
  if (!status) { return; }
  var url = status.dataset.pollUrl;
  var refresh = Number(status.dataset.refresh) || 4000;
  var MAX_WAIT_MS = 60000;

  function isLocalPath(path) {
    return typeof path === 'string' && path.charAt(0) === '/' && path.charAt(1) !== '/' && path.indexOf('\\') < 0;
  }

  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.ContinuePolling) {
          refresh = Number(data.Refresh) || refresh;
          setTimeout(poll, refresh);
        } else {
          window.location.assign(isLocalPath(data.Next) ? data.Next : '/');
        }
      })
      .catch(function () {
        // The app itself was unreachable: keep trying, more slowly.
        refresh = Math.min(refresh * 2, MAX_WAIT_MS);
        setTimeout(poll, refresh);
      });
  }

  setTimeout(poll, refresh);
})();
