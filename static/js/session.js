/* On the sign-in page (where signing out lands, and where an expired session leads):
   the inspector's pages stored for offline use (static/js/outbox.js) show their cases,
   so they are forgotten here. The queue of unsent findings stays: each finding names
   its author and is sent only with that author's session. */
(function () {
  "use strict";

  try { localStorage.removeItem("field-outbox-user"); } catch (e) { /* private mode */ }
  if (window.caches) { caches.delete("field-pages"); }
})();
