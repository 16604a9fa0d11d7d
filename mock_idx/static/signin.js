// mock-idx's hosted sign-in page (/signin): inlined into each page under its CSP nonce.
// While the step waits for something that happens elsewhere (a push, Okta Verify's activation, an email's magic
// link), ask the page's poll URL every poll interval (each request is one IDX poll) whether the sign-in has moved on;
// it answers {"next": null} while the step waits, else the URL to go to. The page itself never reloads,
// so a click on it is never lost. Once the user leaves (a form sent, such as cancel, or a link followed, such as
// "Verify with something else") polling stops and a late answer is ignored: it must not take the browser back from
// the page the user chose.
(function () {
  "use strict";
  var poller = document.getElementById("poll");
  if (!poller) {
    return;
  }
  var url = poller.getAttribute("data-poll-url");
  var page = poller.getAttribute("data-page-url");
  var ms = Number(poller.getAttribute("data-poll-ms")) || 4000;
  var leaving = false;
  var timer = null;

  function go(next) {
    if (!leaving) {
      leaving = true;
      window.location.replace(next);
    }
  }

  function later() {
    if (!leaving) {
      timer = window.setTimeout(poll, ms);
    }
  }

  function poll() {
    if (!window.fetch) {
      go(url);  // a browser this old reloads the page instead, as the <noscript> meta refresh would
      return;
    }
    window.fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (!response.ok) {
          go(page);  // the page says what went wrong (an expired sign-in, say)
          return;
        }
        return response.json().then(function (answer) {
          if (answer && answer.next) {
            go(answer.next);
          } else {
            later();
          }
        });
      })
      .catch(later);  // the network blinked: try again at the next interval
  }

  function stop() {
    leaving = true;
    window.clearTimeout(timer);
  }

  document.addEventListener("submit", stop);
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("a[href]")) {
      stop();
    }
  });
  window.addEventListener("pagehide", stop);
  later();
}());
