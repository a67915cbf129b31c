/* The tablet's queue of findings captured in the field, kept in IndexedDB until the
   server has them, and the sync that sends them exactly once.

   An entry is one finding: the item page's form fields, its UUID, and its photos as
   blobs named by SHA-256. Sync, per inspection:
     1. ask which UUIDs and hashes the server already holds (POST …/sync-status) and
        mark those sent without sending them;
     2. send each remaining finding as its form (POST /field/…/items/…/sync/), then
     3. each remaining photo in pieces (POST /api/v1/findings/{id}/photo-uploads, then
        PUT /api/v1/photo-uploads/{id}?offset=…), resuming where the server stopped.
   A refusal (4xx with a reason) marks the entry or photo failed, with the reason shown;
   no signal, a timeout or a 5xx leaves it waiting for the next try. Only one sync runs
   at a time across the tablet's tabs (Web Locks).

   Also here: the service worker's registration, storing the field pages ahead, the
   queue panel, and clearing stored pages at sign-out. window.FieldOutbox is what
   static/js/field.js uses. */
(function () {
  "use strict";

  var DB_NAME = "field-outbox";
  var STORE = "entries";
  var PAGE_CACHE = "field-pages";
  var USER_KEY = "field-outbox-user";
  var FLASH_KEY = "field-outbox-flash";
  var MAX_PHOTO_BYTES = 15 * 1024 * 1024;
  var REQUEST_TIMEOUT_MS = 30000;
  var PIECE_MAX = 512 * 1024;
  var PIECE_MIN = 32 * 1024;
  var PIECE_TIMEOUT_MS = 60000;
  var RETRY_EVERY_MS = 60000;
  var PRECACHE_LIMIT = 400;

  var text = {};
  var panel = null;
  var user = "";
  var progress = {};  // "uuid/sha256" -> percent, while a photo is being sent
  var lastAlert = "";
  var supported = !!(window.indexedDB && window.crypto && window.crypto.subtle && window.fetch &&
    window.Promise && window.Blob);

  function $(id) { return document.getElementById(id); }

  function format(template, values) {
    return String(template)
      .replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; })
      .replace(/%%/g, "%");
  }

  // --- IndexedDB -------------------------------------------------------------------------

  var dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = function () {
          var store = open.result.createObjectStore(STORE, { keyPath: "uuid" });
          store.createIndex("user", "user");
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }

  function request(mode, act) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(STORE, mode);
        var result;
        var req = act(tx.objectStore(STORE));
        if (req) { req.onsuccess = function () { result = req.result; }; }
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function put(entry) { return request("readwrite", function (s) { return s.put(entry); }); }
  function get(uuid) { return request("readonly", function (s) { return s.get(uuid); }); }
  function remove(uuid) { return request("readwrite", function (s) { return s.delete(uuid); }); }
  function all() { return request("readonly", function (s) { return s.getAll(); }); }

  function mine() {
    return all().then(function (entries) {
      return entries.filter(function (e) { return e.user === user; })
        .sort(function (a, b) { return a.created_at < b.created_at ? 1 : -1; });
    });
  }

  // --- Capture ---------------------------------------------------------------------------

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function sha256(blob) {
    return blob.arrayBuffer().then(function (bytes) {
      return crypto.subtle.digest("SHA-256", bytes);
    }).then(hex);
  }

  function newUuid() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = hex(b.buffer);
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  /* The entry of a filled item form: its fields (no files, no CSRF token) and photos.
     `keep` carries the photos of the entry being edited. Rejects with a message when a
     photo is too large to be kept. */
  function capture(form, keep) {
    var fields = [];
    var files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (value instanceof Blob) {
        if (value.size) { files.push(value); }
        return;
      }
      fields.push([name, value]);
    });
    var tooLarge = files.filter(function (f) { return f.size > MAX_PHOTO_BYTES; });
    if (tooLarge.length) {
      return Promise.reject(new Error(format(text.photo_too_large, {
        name: tooLarge[0].name, max: MAX_PHOTO_BYTES / 1048576
      })));
    }
    return Promise.all(files.map(function (file) {
      return sha256(file).then(function (digest) {
        return {
          sha256: digest, name: file.name || "", type: file.type || "", size: file.size,
          blob: file, state: "waiting", error: null, photo_id: null
        };
      });
    })).then(function (photos) {
      var seen = {};
      var kept = (keep || []).concat(photos).filter(function (p) {
        if (seen[p.sha256]) { return false; }
        seen[p.sha256] = true;
        return true;
      });
      var data = form.dataset;
      return {
        uuid: form.elements.client_uuid.value,
        kind: data.kind || "finding",  // "finding", "sample" or "signature"
        user: user,
        inspection_id: Number(data.inspectionId),
        inspection_label: data.inspectionLabel,
        item_id: data.itemId ? Number(data.itemId) : null,
        item_label: data.itemLabel,
        item_url: window.location.pathname,
        sync_url: data.syncUrl,
        next_url: data.nextUrl,
        fields: fields,
        created_at: new Date().toISOString(),
        state: "waiting",
        error: null,
        finding_id: null,
        photos: kept
      };
    });
  }

  function add(entry) {
    return put(entry).then(function () {
      if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
      render();
      return entry;
    }, function (error) {
      var quota = error && error.name === "QuotaExceededError";
      throw new Error(quota ? text.storage_full : String(error));
    });
  }

  // --- Talking to the server -------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Why a request got no answer to act on. Offline and SignedOut stop the sync (nothing
  // else would get through); ServerTrouble holds back one finding and the sync goes on.
  function Offline(timedOut) { this.offline = true; this.timedOut = !!timedOut; }
  function SignedOut() { this.signedOut = true; }
  function ServerTrouble() { this.serverTrouble = true; }

  /* fetch with the session and CSRF token. Resolves {status, body} for an answer with a
     JSON body the queue can act on; rejects with Offline (no signal, a timeout, 429),
     SignedOut (401, a refused CSRF token) or ServerTrouble (a 5xx, a page, not JSON). */
  function call(method, url, body, headers, timeoutMs) {
    var controller = window.AbortController ? new AbortController() : null;
    var timedOut = false;
    var timer = controller && setTimeout(function () {
      timedOut = true;
      controller.abort();
    }, timeoutMs || REQUEST_TIMEOUT_MS);
    var options = {
      method: method,
      credentials: "same-origin",
      redirect: "manual",
      headers: Object.assign({ "X-CSRFToken": csrfToken(), "Accept": "application/json" },
        headers || {}),
      body: body,
      signal: controller ? controller.signal : undefined
    };
    return fetch(url, options).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) { throw new SignedOut(); }
      var json = /json/.test(response.headers.get("Content-Type") || "");
      if (response.status === 403 && !json) { throw new SignedOut(); }  // the CSRF page
      if (response.status === 429) { throw new Offline(); }
      if (response.status >= 500 || !json) { throw new ServerTrouble(); }
      return response.json().then(function (data) {
        if (response.status === 403 && data.code === "csrf_failed") { throw new SignedOut(); }
        return { status: response.status, body: data };
      });
    }, function () {
      throw new Offline(timedOut);
    }).finally(function () {
      if (timer) { clearTimeout(timer); }
    });
  }

  function postJson(url, data) {
    return call("POST", url, JSON.stringify(data), { "Content-Type": "application/json" });
  }

  function reason(answer) {
    var body = answer.body || {};
    var messages = [];
    Object.keys(body.errors || {}).forEach(function (field) {
      (body.errors[field] || []).forEach(function (e) { messages.push(e.message); });
    });
    return {
      status: answer.status, code: body.code,
      message: messages.length ? messages.join(" ") : body.message,
      errors: body.errors || {}
    };
  }

  // What is on its way now, and what the server could not take this time (kept in
  // memory: the stored entry says waiting meanwhile).
  var active = {};
  var troubled = {};

  /* Send an entry's finding (or sample, or signature: the same form post to the page's
     sync address, exactly once by its UUID). Resolves "sent" or "refused" (the entry
     says why). */
  function sendFinding(entry) {
    var form = new URLSearchParams();
    entry.fields.forEach(function (pair) { form.append(pair[0], pair[1]); });
    active[entry.uuid] = true;
    render();
    return call("POST", entry.sync_url, form, {
      "Content-Type": "application/x-www-form-urlencoded"
    }).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        entry.state = "sent";
        entry.error = null;
        entry.finding_id = answer.body.finding_id || answer.body.id;
        entry.photo_url = answer.body.photo_url || null;
        return put(entry).then(function () { return "sent"; });
      }
      entry.state = "failed";
      entry.error = reason(answer);
      return put(entry).then(function () { return "refused"; });
    }).finally(function () {
      delete active[entry.uuid];
    });
  }

  function chunkDigest(blob) {
    return blob.arrayBuffer().then(function (b) { return crypto.subtle.digest("SHA-256", b); })
      .then(hex);
  }

  // Answers after which the photo is simply started again (the server says where).
  var START_AGAIN = ["upload_offset_mismatch", "not_found", "chunk_incomplete", "chunk_corrupt",
    "photo_hash_mismatch", "upload_busy"];
  var pieceBytes = PIECE_MAX;  // halved after a piece times out: a weak uplink still gets through

  /* A photo of a sample's seals: sent whole to the sample's address (the same bytes
     again are the same photo); resolves when it is held or refused. */
  function sendWholePhoto(entry, photo) {
    var key = entry.uuid + "/" + photo.sha256;
    var body = new FormData();
    body.append("photo", photo.blob, photo.name || "photo");
    active[key] = true;
    render();
    return call("POST", entry.photo_url, body, {}, PIECE_TIMEOUT_MS).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        photo.state = "sent";
        photo.error = null;
        photo.photo_id = answer.body.photo ? answer.body.photo.id : null;
        photo.blob = null;
      } else {
        photo.state = "failed";
        photo.error = reason(answer);
      }
      return put(entry);
    }).finally(function () {
      delete active[key];
    });
  }

  /* Send one photo in pieces from where the server stopped; resolves when it is held
     or refused (the photo says why). */
  function sendPhoto(entry, photo) {
    if (entry.kind === "sample") { return sendWholePhoto(entry, photo); }
    var key = entry.uuid + "/" + photo.sha256;
    var restarts = 0;
    function start() {
      return postJson("/api/v1/findings/" + entry.finding_id + "/photo-uploads", {
        sha256: photo.sha256, size: photo.size, filename: photo.name.slice(0, 200)
      }).then(from);
    }
    function again() {
      restarts += 1;
      if (restarts > 5) { throw new ServerTrouble(); }  // tried next time
      return start();
    }
    function from(answer) {
      var body = answer.body;
      if (answer.status >= 400) {
        if (START_AGAIN.indexOf(body.code) >= 0) { return again(); }
        photo.state = "failed";
        photo.error = reason(answer);
        return put(entry);
      }
      if (body.state === "stored") {
        photo.state = "sent";
        photo.error = null;
        photo.photo_id = body.photo ? body.photo.id : null;
        photo.blob = null;  // the server has it: free the tablet's storage
        return put(entry);
      }
      if (body.offset >= photo.size) { return again(); }
      var size = Math.min(body.chunk_size || PIECE_MAX, pieceBytes);
      var piece = photo.blob.slice(body.offset, body.offset + size);
      progress[key] = Math.floor(body.offset * 100 / photo.size);
      render();
      return chunkDigest(piece).then(function (digest) {
        return call("PUT", "/api/v1/photo-uploads/" + body.id + "?offset=" + body.offset, piece, {
          "Content-Type": "application/octet-stream", "X-Chunk-SHA256": digest
        }, PIECE_TIMEOUT_MS);
      }).then(from, function (error) {
        if (error instanceof Offline && error.timedOut && pieceBytes > PIECE_MIN) {
          pieceBytes = Math.max(PIECE_MIN, pieceBytes / 2);
          return again();
        }
        throw error;
      });
    }
    active[key] = true;
    return start().finally(function () {
      delete active[key];
      delete progress[key];
    });
  }

  function pendingPhotos(entry) {
    return entry.photos.filter(function (p) { return p.state !== "sent" && p.state !== "failed"; });
  }

  function needsWork(entry) {
    return entry.state === "waiting" || entry.state === "sending" ||
      (entry.state === "sent" && pendingPhotos(entry).length > 0);
  }

  /* Ask in batches (the API takes up to 500 UUIDs and 1,000 hashes a call) which of
     these entries' findings and photos the inspection holds. */
  function heldBy(id, entries) {
    var batches = [], uuids = [], hashes = [];
    entries.forEach(function (e) {
      var photos = pendingPhotos(e).map(function (p) { return p.sha256; });
      if (uuids.length >= 500 || hashes.length + photos.length > 1000) {
        batches.push([uuids, hashes]);
        uuids = [];
        hashes = [];
      }
      if (e.state !== "sent" && (e.kind || "finding") === "finding") { uuids.push(e.uuid); }
      Array.prototype.push.apply(hashes, photos.slice(0, 1000));
    });
    batches.push([uuids, hashes]);
    var held = { findings: {}, photos: {} };
    return batches.reduce(function (chain, batch) {
      return chain.then(function (refusal) {
        if (refusal) { return refusal; }
        return postJson("/api/v1/inspections/" + id + "/sync-status", {
          finding_uuids: batch[0], photo_sha256: batch[1]
        }).then(function (answer) {
          if (answer.status >= 400) { return answer; }
          Object.assign(held.findings, answer.body.findings);
          Object.assign(held.photos, answer.body.photos);
          return null;
        });
      });
    }, Promise.resolve(null)).then(function (refusal) {
      return { refusal: refusal, held: held };
    });
  }

  function syncEntry(entry, held) {
    if (entry.state !== "sent" && held.findings[entry.uuid]) {
      entry.state = "sent";
      entry.error = null;
      entry.finding_id = held.findings[entry.uuid];
    }
    pendingPhotos(entry).forEach(function (p) {
      if (held.photos[p.sha256]) {
        p.state = "sent";
        p.error = null;
        p.photo_id = held.photos[p.sha256].id;
        p.blob = null;
      }
    });
    var finding = entry.state === "sent" ? put(entry) : sendFinding(entry);
    return finding.then(function () {
      if (entry.state !== "sent") { return null; }
      return pendingPhotos(entry).reduce(function (photos, photo) {
        return photos.then(function () { return sendPhoto(entry, photo); }).then(render);
      }, Promise.resolve());
    }).then(function () {
      delete troubled[entry.uuid];
    }, function (error) {
      if (!(error instanceof ServerTrouble)) { throw error; }
      troubled[entry.uuid] = true;  // shown; the rest of the queue goes on
    });
  }

  function syncInspection(id, entries) {
    return heldBy(id, entries).then(function (result) {
      var refusal = result.refusal;
      if (refusal && (refusal.status === 404 || refusal.status === 403)) {
        // The inspection is gone from this account's view (no longer on the team, say).
        return Promise.all(entries.map(function (e) {
          var why = reason(refusal);
          if (e.state !== "sent") {
            e.state = "failed";
            e.error = why;
          }
          pendingPhotos(e).forEach(function (p) { p.state = "failed"; p.error = why; });
          return put(e);
        }));
      }
      if (refusal) { throw new ServerTrouble(); }
      return entries.reduce(function (chain, entry) {
        return chain.then(function () { return syncEntry(entry, result.held); }).then(render);
      }, Promise.resolve());
    }).catch(function (error) {
      if (!(error instanceof ServerTrouble)) { throw error; }
      entries.forEach(function (e) { troubled[e.uuid] = true; });
    });
  }

  /* The account the session belongs to: only its own findings are sent with it. A
     different one than the page said means the stored pages are someone else's. */
  function sessionUser() {
    return call("GET", "/api/v1/me").then(function (answer) {
      if (answer.status !== 200) { throw new SignedOut(); }
      var name = answer.body.username;
      if (name !== user) {
        user = name;
        try { localStorage.setItem(USER_KEY, user); } catch (e) { /* private mode */ }
        return forgetPages().then(function () { return name; });
      }
      return name;
    });
  }

  var running = null;

  /* Send what is waiting. Resolves "done", "offline", "signed-out" or "trouble" (the
     server could not say whose session this is). */
  function sync() {
    if (!supported || !user) { return Promise.resolve("done"); }
    if (running) { return running; }
    var work = function () {
      return mine().then(function (entries) {
        if (!entries.some(needsWork)) { return null; }
        return sessionUser().then(mine).then(function (own) {
          var groups = {}, order = [];
          // In the order they were captured.
          own.filter(needsWork).reverse().forEach(function (e) {
            if (!groups[e.inspection_id]) { groups[e.inspection_id] = []; order.push(e.inspection_id); }
            groups[e.inspection_id].push(e);
          });
          return order.reduce(function (chain, id) {
            return chain.then(function () { return syncInspection(id, groups[id]); });
          }, Promise.resolve());
        });
      }).then(function () {
        lastAlert = "";
        return "done";
      }, function (error) {
        if (error instanceof SignedOut) { lastAlert = text.login; return "signed-out"; }
        if (error instanceof Offline) { lastAlert = ""; return "offline"; }
        if (error instanceof ServerTrouble) { lastAlert = text.retry_later; return "trouble"; }
        throw error;
      });
    };
    var locked = navigator.locks
      ? navigator.locks.request("field-outbox-sync", { ifAvailable: true }, function (lock) {
          return lock ? work() : "busy";
        })
      : work();
    running = Promise.resolve(locked).finally(function () {
      running = null;
      render();
    });
    return running;
  }

  /* A refused finding or photo, sent again as it is (after an amendment was opened). */
  function retry(entry) {
    if (entry.state === "failed") {
      entry.state = "waiting";
      entry.error = null;
    }
    entry.photos.forEach(function (p) {
      if (p.state === "failed" && p.blob) { p.state = "waiting"; p.error = null; }
    });
    return put(entry).then(render).then(sync);
  }

  // --- The queue panel -------------------------------------------------------------------

  var dateFormat = window.Intl ? new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric",
    hour: "2-digit", minute: "2-digit", hour12: false
  }) : null;

  function when(iso) {
    if (!dateFormat) { return iso; }
    return dateFormat.format(new Date(iso)).replace(",", "");  // dd/mm/yyyy HH:MM
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function stateOf(entry) {
    if (entry.state === "failed") { return "failed"; }
    if (active[entry.uuid] || entry.photos.some(function (p) {
      return active[entry.uuid + "/" + p.sha256];
    })) { return "sending"; }
    if (entry.state !== "sent" || pendingPhotos(entry).length) { return "waiting"; }
    if (entry.photos.some(function (p) { return p.state === "failed"; })) { return "failed"; }
    return "sent";
  }

  function row(entry) {
    var state = stateOf(entry);
    var li = el("li", "outbox__entry outbox__entry--" + state);
    li.dataset.uuid = entry.uuid;
    li.dataset.state = state;
    var head = el("p", "outbox__line");
    head.appendChild(el("span", "badge outbox__state outbox__state--" + state, text[state]));
    head.appendChild(el("strong", "outbox__item", " " + entry.item_label));
    head.appendChild(el("span", "muted", " — " + entry.inspection_label + ", " + when(entry.created_at)));
    if (entry.photos.length) {
      var sent = entry.photos.filter(function (p) { return p.state === "sent"; }).length;
      head.appendChild(el("span", "muted outbox__photos",
        " · " + format(text.photos, { sent: sent, total: entry.photos.length })));
    }
    li.appendChild(head);
    entry.photos.forEach(function (p) {
      var key = entry.uuid + "/" + p.sha256;
      if (progress[key] !== undefined) {
        li.appendChild(el("p", "muted", format(text.photo_progress,
          { name: p.name, percent: progress[key] })));
      }
      if (p.state === "failed" && p.error) {
        li.appendChild(el("p", "field__error", format(text.photo_failed,
          { name: p.name, reason: p.error.message })));
      }
    });
    if (entry.state === "failed" && entry.error) {
      li.appendChild(el("p", "field__error outbox__reason", entry.error.message));
    }
    if (troubled[entry.uuid] && state === "waiting") {
      li.appendChild(el("p", "muted", text.retry_later));
    }
    if (state === "failed") {
      var actions = el("p", "outbox__actions");
      var again = el("button", "btn btn--primary", text.retry);
      again.type = "button";
      again.addEventListener("click", function () { retry(entry); });
      actions.appendChild(again);
      if (entry.state === "failed") {
        var edit = el("a", "btn", text.edit);
        edit.href = entry.item_url + "?draft=" + encodeURIComponent(entry.uuid);
        actions.appendChild(edit);
      }
      var discard = el("button", "btn", text.discard);
      discard.type = "button";
      discard.addEventListener("click", function () {
        if (window.confirm(text.discard_confirm)) { remove(entry.uuid).then(render); }
      });
      actions.appendChild(discard);
      li.appendChild(actions);
    }
    return li;
  }

  function render() {
    if (!panel) { return Promise.resolve(); }
    return all().then(function (entries) {
      var own = entries.filter(function (e) { return e.user === user; })
        .sort(function (a, b) { return a.created_at < b.created_at ? 1 : -1; });
      var others = entries.filter(function (e) { return e.user !== user && needsWork(e); });
      var counts = { waiting: 0, sending: 0, sent: 0, failed: 0 };
      own.forEach(function (e) { counts[stateOf(e)] += 1; });
      $("outbox-summary").textContent = format(text.summary, {
        waiting: counts.waiting + counts.sending, sent: counts.sent, failed: counts.failed
      }) + (others.length ? " · " + format(text.other_user, { count: others.length }) : "");
      var list = $("outbox-list");
      list.replaceChildren.apply(list, own.length ? own.map(row) : [el("li", "muted", text.empty)]);
      $("outbox-clear").hidden = counts.sent === 0;
      var network = $("outbox-network");
      network.textContent = navigator.onLine ? text.online : text.offline;
      network.className = "badge " + (navigator.onLine ? "badge--info" : "badge--warn");
      var alert = $("outbox-alert");
      alert.textContent = lastAlert;
      alert.hidden = !lastAlert;
      markChecklist(own);
      var peek = $("outbox-peek");
      if (peek) {
        peek.hidden = counts.waiting + counts.sending + counts.failed === 0;
        peek.firstChild.textContent = text.queue + ": " + $("outbox-summary").textContent;
      }
    });
  }

  /* On the inspection page: items with a finding in the queue say so. */
  function markChecklist(entries) {
    var queued = {};
    entries.forEach(function (e) {
      if (stateOf(e) !== "sent") { queued[e.item_id] = stateOf(e); }
    });
    document.querySelectorAll("a[data-item-id]").forEach(function (link) {
      var mark = link.querySelector(".outbox-mark");
      var state = queued[link.dataset.itemId];
      if (!state) { if (mark) { mark.remove(); } return; }
      if (!mark) {
        mark = el("span", "badge outbox-mark");
        link.appendChild(mark);
      }
      mark.textContent = text[state];
    });
  }

  function clearSent() {
    return mine().then(function (entries) {
      return Promise.all(entries.filter(function (e) { return stateOf(e) === "sent"; })
        .map(function (e) { return remove(e.uuid); }));
    }).then(render);
  }

  // --- Pages kept for offline use --------------------------------------------------------

  /* Keep a copy of each field page linked with data-offline-page (today's inspections
     from the day's list, the checklist's items from an inspection), and the links of
     those pages in turn, unless a copy is already kept. */
  function storeAhead(root, depth, seen) {
    if (!window.caches || !navigator.onLine) { return Promise.resolve(); }
    seen = seen || {};
    var urls = [];
    root.querySelectorAll("a[data-offline-page]").forEach(function (a) {
      var url = new URL(a.getAttribute("href"), window.location.href);
      var key = url.origin + url.pathname;
      if (!seen[key] && Object.keys(seen).length < PRECACHE_LIMIT) { seen[key] = true; urls.push(key); }
    });
    return caches.open(PAGE_CACHE).then(function (cache) {
      return urls.reduce(function (chain, url) {
        return chain.then(function () {
          return cache.match(url).then(function (hit) {
            if (hit && depth === 0) { return null; }
            var page = hit ? hit.text() : fetch(url, { credentials: "same-origin" }).then(function (r) {
              if (!r.ok || r.redirected || !/text\/html/.test(r.headers.get("Content-Type") || "")) {
                return null;
              }
              return cache.put(url, r.clone()).then(function () { return r.text(); });
            });
            return Promise.resolve(page).then(function (html) {
              if (!html || depth === 0) { return null; }
              var doc = new DOMParser().parseFromString(html, "text/html");
              return storeAhead(doc, depth - 1, seen);
            });
          });
        }).catch(function () { return null; });  // a page that fails is tried next time
      }, Promise.resolve());
    });
  }

  function forgetPages() {
    return window.caches ? caches.delete(PAGE_CACHE) : Promise.resolve();
  }

  // --- Start -----------------------------------------------------------------------------

  function flash(message) {
    try { sessionStorage.setItem(FLASH_KEY, message); } catch (e) { /* private mode */ }
  }

  function showFlash() {
    var message;
    try {
      message = sessionStorage.getItem(FLASH_KEY);
      sessionStorage.removeItem(FLASH_KEY);
    } catch (e) { return; }
    if (!message) { return; }
    var list = document.querySelector(".messages");
    if (!list) {
      list = el("ul", "messages");
      var main = document.querySelector("main");
      main.insertBefore(list, main.firstChild);
    }
    var item = el("li", "message message--info", message);
    item.setAttribute("role", "status");
    list.appendChild(item);
  }

  function init() {
    var source = $("outbox-text");
    panel = $("outbox");
    if (source) { text = JSON.parse(source.textContent); }
    if (!panel) { return; }
    // The page's account (static/js/session.js forgets it at sign-out); the offline
    // page is drawn for nobody and takes the last one. Pages stored for another account
    // than this page's are forgotten; a sync checks the session's account itself.
    user = panel.dataset.user || "";
    try {
      var stored = localStorage.getItem(USER_KEY) || "";
      if (user && stored && stored !== user) { forgetPages(); }
      if (user) { localStorage.setItem(USER_KEY, user); } else { user = stored; }
    } catch (e) { /* private mode: the page's user only */ }
    panel.hidden = false;
    if (!supported) {
      $("outbox-summary").textContent = text.unsupported;
      $("outbox-sync").hidden = true;
      return;
    }
    if (navigator.serviceWorker) {
      navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).catch(function () {});
    }
    $("outbox-sync").addEventListener("click", function () { sync(); });
    $("outbox-clear").addEventListener("click", clearSent);
    window.addEventListener("online", function () { render(); sync(); });
    window.addEventListener("offline", render);
    setInterval(function () { if (navigator.onLine) { sync(); } }, RETRY_EVERY_MS);
    showFlash();
    render().then(function () {
      if (navigator.onLine) { sync(); }
      var depth = document.querySelector("form[data-upload-form]") ? 0 : 1;
      storeAhead(document, depth);
    });
  }

  window.FieldOutbox = {
    supported: supported,
    capture: capture,
    add: add,
    get: get,
    remove: remove,
    put: put,
    sendFinding: sendFinding,
    sync: sync,
    render: render,
    flash: flash,
    newUuid: newUuid
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
