/* Service worker of the inspector's pages (scope /field/), served by inspections/pwa.py,
   which puts VERSION, SHELL and OFFLINE_URL above this text.

   - The shell (style, scripts, icons, the offline page, and the camera barcode reader:
     its script, the ZXing polyfill and its .wasm) is kept at install, per version.
   - A field page is asked of the network first and its copy kept; with no signal, or no
     answer within WEAK_SIGNAL_MS, the kept copy is shown (the answer still refreshes it);
     a page never kept shows the offline page after GIVE_UP_MS without an answer.
   - Nothing else is touched: the API, uploads and every non-GET request go straight
     to the network; the queue (static/js/outbox.js) handles their failures. */
/* global VERSION, SHELL, OFFLINE_URL */
"use strict";

var SHELL_CACHE = "field-shell-" + VERSION;
var PAGE_CACHE = "field-pages";  // the signed-in inspector's pages; emptied at sign-out
var WEAK_SIGNAL_MS = 4000;
var GIVE_UP_MS = 20000;
var shellPaths = SHELL.map(function (url) { return new URL(url, self.location).pathname; });

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      // The offline page without the session: it must not carry anyone's name.
      return Promise.all(SHELL.map(function (url) {
        return fetch(url, { credentials: "omit", cache: "no-cache" }).then(function (response) {
          if (!response.ok) { throw new Error(url + ": " + response.status); }
          return cache.put(url, response);
        });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("field-shell-") === 0 && key !== SHELL_CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function pageKey(url) {
  var u = new URL(url);
  return u.origin + u.pathname;  // "?draft=…" opens the same page
}

function keptPage(url) {
  return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(pageKey(url)); });
}

function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic" &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

function networkFirst(request) {
  return new Promise(function (resolve) {
    var settled = false;
    function answer(response) {
      if (!settled && response) { settled = true; resolve(response); }
    }
    function fallback() {
      return keptPage(request.url)
        .then(function (hit) { return hit || caches.match(OFFLINE_URL); })
        .then(function (hit) {
          return hit || new Response("", { status: 503, statusText: "Offline" });
        });
    }
    var timer = setTimeout(function () { keptPage(request.url).then(answer); }, WEAK_SIGNAL_MS);
    // A request that hangs without failing: the offline page rather than a blank wait.
    var giveUp = setTimeout(function () { fallback().then(answer); }, GIVE_UP_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      clearTimeout(giveUp);
      if (keepable(response)) {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) { return cache.put(pageKey(request.url), copy); });
      }
      answer(response);
    }).catch(function () {
      clearTimeout(timer);
      clearTimeout(giveUp);
      fallback().then(answer);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (shellPaths.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.open(SHELL_CACHE).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
    }));
    return;
  }
  if (request.mode === "navigate" && url.pathname.indexOf("/field/") === 0) {
    event.respondWith(networkFirst(request));
  }
});
