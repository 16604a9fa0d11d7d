// mock-idx's hosted sign-in page (/signin): inlined into each page under its CSP nonce.
// While a push waits, reload the page's poll URL once the policy's interval has passed (each reload is one IDX poll),
// replacing this history entry. A form the user sends first (cancel, "verify with something else") wins: the reload
// is called off, so it cannot take the browser back to the push page the user just left.
(function () {
  "use strict";
  var poller = document.getElementById("push-poll");
  if (!poller) {
    return;
  }
  var url = poller.getAttribute("data-poll-url");
  var ms = Number(poller.getAttribute("data-poll-ms")) || 4000;
  var timer = window.setTimeout(function () {
    window.location.replace(url);
  }, ms);
  document.addEventListener("submit", function () {
    window.clearTimeout(timer);
  });
}());
