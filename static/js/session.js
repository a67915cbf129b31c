/* On staff pages and the sign-in page: the inspector's pages stored for offline use
   (static/js/outbox.js) show their cases, so they are forgotten when the session ends —
   at sign-out, and on the sign-in page (after a session expired, say). The
   queue of unsent findings stays: each finding names its author and is sent only
   with that author's session. The field pages themselves (the offline page included)
   never forget: they may be drawn from the tablet's store without a session. */
(function () {
  "use strict";

  var PAGE_CACHE = "field-pages";
  var USER_KEY = "field-outbox-user";

  function forget() {
    try { localStorage.removeItem(USER_KEY); } catch (e) { /* private mode */ }
    return window.caches ? caches.delete(PAGE_CACHE) : Promise.resolve();
  }

  var logout = document.querySelector("form.logout");
  if (logout) {
    logout.addEventListener("submit", function (event) {
      event.preventDefault();
      forget().then(function () { logout.submit(); }, function () { logout.submit(); });
    });
  } else if (!document.getElementById("outbox")) {  // the sign-in page
    forget();
  }
})();
