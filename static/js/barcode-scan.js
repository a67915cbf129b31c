/* "Quét mã vạch": reads a product's barcode with the device's camera and fills the GTIN
   input (and the batch and expiry inputs, when the form has them and the code carries
   them: GS1-128, GS1 QR, GS1 Digital Link). A progressive enhancement: the inputs work
   by hand, and the button appears only where a camera API and a barcode reader exist.

   Markup (templates/registry/_barcode_scan.html puts the dialog's text in a <template>):
     <div data-barcode-scan data-barcode-batch="id_of_batch_input"
          data-barcode-expiry="id_of_expiry_input"> ... <input> ... </div>
   (or data-barcode-scan on the <input> itself).

   The reader: the browser's BarcodeDetector when it reads every format below, else the
   vendored ZXing-WebAssembly polyfill (static/vendor/barcode-detector/), loaded on first
   use from this site, its .wasm too (no CDN; the tablet's service worker keeps both).

   The GS1 prefix table (GS1's published list, gs1.org "GS1 Company Prefix") is the
   server's, registry/barcodes.py, given to this script in the page (see prefixTable). A
   prefix tells which GS1 office issued the number, not where the goods were made. */
(function () {
  "use strict";

  var FORMATS = ["ean_13", "ean_8", "upc_a", "upc_e", "code_128", "qr_code"];
  var GIVE_UP_MS = 20000;
  var EVERY_MS = 200;
  var script = document.currentScript;

  // GS1's prefix table is the server's (registry/barcodes.py, prefix_table), put in the
  // page as JSON by templates/registry/_barcode_scan.html: {ranges: [[first, last, kind,
  // country code, name], ...], restricted: name, variable: name}. One table, one answer:
  // the country shown here is the one the staff pages and the API show.
  var table = null;

  function prefixTable() {
    if (!table) {
      var data = document.getElementById("barcode-prefixes");
      table = data ? JSON.parse(data.textContent) : { ranges: [], restricted: "", variable: "" };
    }
    return table;
  }

  // --- GS1 numbers -------------------------------------------------------------------

  function checkDigitOk(digits) {
    if (!/^\d+$/.test(digits) || [8, 12, 13, 14].indexOf(digits.length) < 0) { return false; }
    var sum = 0;
    for (var i = digits.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight) {
      sum += Number(digits[i]) * weight;
    }
    return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
  }

  // UPC-E (8 digits: number system, 6 digits, check) to the GTIN-12 it stands for.
  function expandUpcE(code) {
    if (!/^[01]\d{7}$/.test(code)) { return null; }
    var d = code.slice(1, 7), last = d[5], body;
    if (last <= "2") { body = d.slice(0, 2) + last + "0000" + d.slice(2, 5); }
    else if (last === "3") { body = d.slice(0, 3) + "00000" + d.slice(3, 5); }
    else if (last === "4") { body = d.slice(0, 4) + "00000" + d[4]; }
    else { body = d.slice(0, 5) + "0000" + last; }
    return code[0] + body + code[7];
  }

  // A GTIN-14 with indicator 0 is the GTIN-13 that a retail barcode prints.
  function shortGtin(gtin) {
    return gtin.length === 14 && gtin[0] === "0" ? gtin.slice(1) : gtin;
  }

  /* Where a GTIN's prefix was issued, as registry.barcodes.gtin_origin decides it:
     {prefix, kind, code, name}; kind "unknown" when GS1's table has no such prefix. */
  function prefixOf(gtin) {
    var t = prefixTable();
    var g = gtin.length === 12 ? "0" + gtin : gtin;
    if (g.length === 14 && g[0] === "0") { g = g.slice(1); }
    // "00000" + 8 digits is a GTIN-8 written long: its prefix is the GTIN-8's.
    if (g.length === 13 && g.slice(0, 5) === "00000") { g = g.slice(5); }
    var prefix = g.length === 14 ? g.slice(1, 4) : g.slice(0, 3);
    if (g.length === 8 && (g[0] === "0" || g[0] === "2")) {
      return { prefix: prefix, kind: "restricted", code: "", name: t.restricted };
    }
    if (g.length === 14 && g[0] === "9") {
      return { prefix: prefix, kind: "restricted", code: "", name: t.variable };
    }
    var number = Number(prefix);
    for (var i = 0; i < t.ranges.length; i++) {
      var r = t.ranges[i];
      if (number >= r[0] && number <= r[1]) {
        return { prefix: prefix, kind: r[2], code: r[3], name: r[4] };
      }
    }
    return { prefix: prefix, kind: "unknown", code: "", name: "" };
  }

  // Fixed-length GS1 application identifiers (GS1 General Specifications 7.8.5): the
  // length of AI plus data, by the AI's first two digits. Any other AI ends at a group
  // separator (or the end).
  var FIXED = { "00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8, "13": 8,
    "14": 8, "15": 8, "16": 8, "17": 8, "18": 8, "19": 8, "20": 4, "31": 10, "32": 10,
    "33": 10, "34": 10, "35": 10, "36": 10, "41": 16 };

  function aiLength(text, at) {
    var two = text.substr(at, 2), first = two[0];
    if (/^(23|24|25|31|32|33|34|35|36|39)/.test(two)) {
      return /^(31|32|33|34|35|36|39)/.test(two) ? 4 : 3;
    }
    if (first === "4") { return 3; }
    if (first === "7" || first === "8") { return 4; }
    return 2;
  }

  // "(01)…(17)…(10)…" (human-readable), or the raw element string "01…17…10…<GS>…".
  function elementString(text) {
    var found = {};
    if (/^\(\d{2,4}\)/.test(text)) {
      var re = /\((\d{2,4})\)([^(]*)/g, m;
      while ((m = re.exec(text))) { found[m[1]] = m[2]; }
      return found;
    }
    var GS = "\u001d", at = 0;
    while (at < text.length) {
      if (text[at] === GS) { at++; continue; }
      if (!/^\d{2}/.test(text.substr(at, 2))) { return null; }
      var two = text.substr(at, 2), ai, end;
      if (FIXED[two]) {
        var aiLen = FIXED[two] === 10 ? 4 : (two === "41" ? 3 : 2);
        ai = text.substr(at, aiLen);
        end = at + FIXED[two];
        found[ai] = text.slice(at + aiLen, end);
      } else {
        var len = aiLength(text, at);
        ai = text.substr(at, len);
        end = text.indexOf(GS, at);
        if (end < 0) { end = text.length; }
        found[ai] = text.slice(at + len, end);
      }
      at = end;
    }
    return found;
  }

  // GS1 Digital Link: https://host/…/01/<gtin>[/10/<batch>][?17=<yymmdd>].
  function digitalLink(text) {
    var url;
    try { url = new URL(text); } catch (e) { return null; }
    var parts = url.pathname.split("/").map(function (p) {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    var found = {}, at = parts.indexOf("01");
    if (at < 0 || !/^\d{8,14}$/.test(parts[at + 1] || "")) { return null; }
    for (var i = at; i + 1 < parts.length; i += 2) { found[parts[i]] = parts[i + 1]; }
    url.searchParams.forEach(function (value, key) { if (/^\d{2,4}$/.test(key)) { found[key] = value; } });
    return found;
  }

  /* What a detected code says: {gtin, batch, expiry} or {error: "check"} or null. */
  function read(format, raw) {
    var text = String(raw || "").trim().replace(/^\][A-Za-z]\d/, "");
    var gtin = null, data = null;
    if (format === "upc_e") {
      gtin = expandUpcE(text);
    } else if (/^\d{8}$|^\d{12,14}$/.test(text)) {
      gtin = text;
    } else if (/^https?:\/\//i.test(text)) {
      data = digitalLink(text);
    } else {
      data = elementString(text);
    }
    if (data) {
      gtin = data["01"] || null;
      if (gtin && gtin.length < 14 && /^\d+$/.test(gtin)) { gtin = ("00000000000000" + gtin).slice(-14); }
    }
    if (!gtin) { return null; }
    if (!checkDigitOk(gtin)) { return { error: "check" }; }
    return { gtin: shortGtin(gtin), batch: (data && data["10"]) || null, expiry: (data && data["17"]) || null };
  }

  // YYMMDD (DD 00: the month's last day) to a Date-free {y, m, d}; GS1's century rule.
  function expiryDate(value) {
    var m = /^(\d{2})(\d{2})(\d{2})$/.exec(value || "");
    if (!m) { return null; }
    var now = new Date().getFullYear() % 100, yy = Number(m[1]), century = 2000;
    var diff = yy - now;
    if (diff >= 51) { century -= 100; } else if (diff <= -50) { century += 100; }
    var year = century + yy, month = Number(m[2]), day = Number(m[3]);
    if (month < 1 || month > 12) { return null; }
    if (day === 0) { day = new Date(year, month, 0).getDate(); }
    return { y: year, m: month, d: day };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // --- The page ----------------------------------------------------------------------

  var template = document.getElementById("barcode-scan-template");
  if (!template || !script) { return; }
  var say = template.dataset;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function countryText(gtin) {
    var origin = prefixOf(gtin);
    if (origin.kind === "unknown") { return format(say.countryUnknown, { prefix: origin.prefix }); }
    if (origin.kind === "country") {
      return format(say.country, { prefix: origin.prefix, country: origin.name });
    }
    return format(say.prefixSpecial, { prefix: origin.prefix, what: origin.name });
  }

  function canScan() {
    return !!(navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function" &&
      ("BarcodeDetector" in window || typeof WebAssembly === "object") &&
      typeof HTMLDialogElement === "function");
  }

  var readerPromise = null;

  function nativeReader() {
    if (!("BarcodeDetector" in window) || typeof window.BarcodeDetector.getSupportedFormats !== "function") {
      return Promise.resolve(null);
    }
    return window.BarcodeDetector.getSupportedFormats().then(function (supported) {
      var all = FORMATS.every(function (f) { return supported.indexOf(f) >= 0; });
      return all ? new window.BarcodeDetector({ formats: FORMATS }) : null;
    }, function () { return null; });
  }

  function polyfillReader() {
    return new Promise(function (resolve, reject) {
      if (window.BarcodeDetectionAPI) { return resolve(); }
      var tag = document.createElement("script");
      tag.src = script.dataset.polyfill;
      tag.onload = function () { resolve(); };
      tag.onerror = function () { reject(new Error("polyfill")); };
      document.head.appendChild(tag);
    }).then(function () {
      var api = window.BarcodeDetectionAPI;
      var wasm = new URL(script.dataset.wasm, window.location.href).href;
      api.prepareZXingModule({
        overrides: {
          locateFile: function (path, prefix) { return /\.wasm$/.test(path) ? wasm : prefix + path; }
        }
      });
      return new api.BarcodeDetector({ formats: FORMATS });
    });
  }

  function reader() {
    if (!readerPromise) {
      readerPromise = nativeReader().then(function (detector) { return detector || polyfillReader(); });
      readerPromise.catch(function () { readerPromise = null; });
    }
    return readerPromise;
  }

  function cameraError(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") { return say.denied; }
    if (name === "NotFoundError" || name === "OverconstrainedError") { return say.noCamera; }
    if (name === "NotReadableError" || name === "AbortError") { return say.busy; }
    if (error && error.message === "polyfill") { return say.noReader; }
    return say.failed;
  }

  function setValue(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fillExpiry(input, value) {
    var date = expiryDate(value);
    if (!date) { return; }
    setValue(input, input.type === "date"
      ? date.y + "-" + pad(date.m) + "-" + pad(date.d)
      : pad(date.d) + "/" + pad(date.m) + "/" + date.y);
  }

  function other(box, name) {
    var id = box.getAttribute("data-barcode-" + name);
    return id ? document.getElementById(id) : null;
  }

  /* The country beside every marked input (typed or scanned); the button only where
     the device can scan. */
  function enhance(box, scanning) {
    var input = box.tagName === "INPUT" ? box : box.querySelector("input");
    if (!input || input.dataset.barcodeReady) { return; }
    input.dataset.barcodeReady = "1";
    var out = document.createElement("p");
    out.className = "field__help barcode-scan__country";
    out.id = (input.id || "barcode") + "_country";
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + out.id);

    function showCountry(message) {
      var digits = input.value.replace(/\s/g, "");
      out.textContent = message || (checkDigitOk(digits) ? countryText(shortGtin(digits)) : "");
    }
    input.addEventListener("input", function () { showCountry(); });
    showCountry();
    if (!scanning) { return; }

    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn barcode-scan__button";
    button.textContent = say.button;
    button.style.marginTop = ".5rem";
    input.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      open(function (result) {
        setValue(input, result.gtin);
        var batch = other(box, "batch"), expiry = other(box, "expiry");
        if (batch && result.batch) { setValue(batch, result.batch); }
        if (expiry && result.expiry) { fillExpiry(expiry, result.expiry); }
        showCountry(format(say.filled, { gtin: result.gtin }) + " " + countryText(result.gtin));
      }, button);
    });
  }

  /* The dialog: the camera's picture, a status line, Cancel (and Retry after a failure).
     `done(result)` gets what was read; the camera stops whenever the dialog closes. */
  function open(done, opener) {
    var dialog = template.content.firstElementChild.cloneNode(true);
    var video = dialog.querySelector("video");
    var status = dialog.querySelector("[role=status]");
    var retry = dialog.querySelector("[data-retry]");
    dialog.style.maxWidth = "min(36rem, calc(100vw - 2rem))";
    dialog.style.width = "100%";
    video.style.width = "100%";
    video.style.height = "auto";
    video.style.background = "#000";
    document.body.appendChild(dialog);
    var stream = null, timer = null, deadline = 0, startedAt = 0, closed = false;
    var detector = null;

    function stop() {
      clearTimeout(timer);
      timer = null;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      video.srcObject = null;
    }
    function fail(message) {
      stop();
      status.textContent = message;
      retry.hidden = false;
    }
    function tick() {
      if (closed || !stream) { return; }
      if (deadline && Date.now() > deadline) { return fail(say.timeout); }
      if (!deadline && Date.now() - startedAt > 3 * GIVE_UP_MS) { return fail(say.failed); }
      var ready = video.readyState >= 2 ? detector.detect(video) : Promise.resolve(null);
      ready.then(function (codes) {
        if (closed || !stream) { return; }
        // The 20 s start with the first frame read (the polyfill compiles its
        // WebAssembly on the first one, slowly on an old phone).
        if (!codes) { timer = setTimeout(tick, EVERY_MS); return; }
        if (!deadline) { deadline = Date.now() + GIVE_UP_MS; }
        for (var i = 0; i < codes.length; i++) {
          var result = read(codes[i].format, codes[i].rawValue);
          if (result && result.gtin) {
            stop();
            dialog.close();
            done(result);
            return;
          }
          if (result && result.error) { status.textContent = say.badCheck; }
        }
        timer = setTimeout(tick, EVERY_MS);
      }, function () {
        if (!closed) { timer = setTimeout(tick, EVERY_MS); }
      });
    }
    function start() {
      retry.hidden = true;
      status.textContent = say.starting;
      Promise.all([
        reader(),
        navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: { ideal: "environment" } } })
      ]).then(function (got) {
        detector = got[0];
        if (closed) { got[1].getTracks().forEach(function (t) { t.stop(); }); return; }
        stream = got[1];
        video.srcObject = stream;
        return video.play().then(function () {
          status.textContent = say.scanning;
          deadline = 0;
          startedAt = Date.now();
          tick();
        });
      }).catch(function (error) { if (!closed) { fail(cameraError(error)); } });
    }

    dialog.querySelector("[data-cancel]").addEventListener("click", function () { dialog.close(); });
    retry.addEventListener("click", start);
    dialog.addEventListener("close", function () {
      closed = true;
      stop();
      dialog.remove();
      opener.focus();
    });
    dialog.showModal();  // Escape closes it
    dialog.querySelector("[data-cancel]").focus();
    start();
  }

  var scanning = canScan();
  document.querySelectorAll("[data-barcode-scan]").forEach(function (box) { enhance(box, scanning); });
  // For tests and the other scripts: the pure functions.
  window.BarcodeScan = { read: read, checkDigitOk: checkDigitOk, prefixOf: prefixOf, countryText: countryText };
})();
