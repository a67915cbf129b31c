/* Tablet finding form: device position and capture time, photo count, the Circular
   21/2014 sampling plan, and capture into the tablet's queue (static/js/outbox.js), so
   that a finding is kept without signal. The form works without this script. The sample
   and signature forms (data-kind="sample" / "signature") go through the same queue. */
(function () {
  "use strict";

  var text = {};

  function $(id) { return document.getElementById(id); }

  function format(template, values) {
    return template
      .replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; })
      .replace(/%%/g, "%");
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(1).replace(".", ",");
  }

  function locate() {
    var status = $("geo-status");
    if (!status || !navigator.geolocation) { return; }
    status.textContent = text.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      $("id_latitude").value = pos.coords.latitude.toFixed(6);
      $("id_longitude").value = pos.coords.longitude.toFixed(6);
      $("id_gps_accuracy_m").value = Math.min(pos.coords.accuracy, 99999).toFixed(2);
      status.textContent = format(text.located, { accuracy: Math.round(pos.coords.accuracy) });
    }, function () {
      status.textContent = text.no_location;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  function stampCapture() {
    var field = $("id_captured_at");
    if (field && !field.value) { field.value = new Date().toISOString(); }
  }

  function countPhotos(form) {
    var files = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.push.apply(files, input.files || []);
    });
    var size = files.reduce(function (sum, f) { return sum + f.size; }, 0);
    var out = $("photo-count");
    if (out) {
      out.textContent = files.length ? format(text.photos, { count: files.length, size: megabytes(size) }) : "";
    }
  }

  function lotPlan(form) {
    var out = $("lot-plan");
    if (!out || !window.fetch) { return; }
    var nominal = form.elements.nominal.value, unit = form.elements.unit.value;
    var lot = form.elements.lot_size.value;
    if (!nominal || !unit || !lot) { out.textContent = "—"; return; }
    var query = new URLSearchParams({ nominal: nominal.replace(",", "."), unit: unit, lot_size: lot });
    fetch(out.dataset.planUrl + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (result) {
        var plan = result[1];
        out.textContent = result[0]
          ? format(text.plan, {
              n: plan.sample_size, t: String(plan.tolerance).replace(".", ","),
              unit: plan.unit, c: plan.max_defectives
            })
          : plan.message;
      })
      .catch(function () { out.textContent = "—"; });
  }

  var draft = null;  // the queue entry being corrected (?draft=uuid)

  function clearErrors(form) {
    form.querySelectorAll(".js-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".js-error-field").forEach(function (node) {
      node.classList.remove("field--error", "js-error-field");
    });
    form.querySelectorAll(".js-error-input").forEach(function (input) {
      var rest = (input.getAttribute("aria-describedby") || "").split(/\s+/)
        .filter(function (id) { return id && !/_jserror$/.test(id); });
      if (rest.length) { input.setAttribute("aria-describedby", rest.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
      input.removeAttribute("aria-invalid");
      input.classList.remove("js-error-input");
    });
  }

  /* The server's reasons next to the fields they name; the rest at the top. */
  function showErrors(form, error) {
    var general = [];
    var errors = error.errors || {};
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var messages = errors[name].map(function (e) { return e.message; });
      var input = name === "__all__" ? null
        : form.querySelector("[name=\"" + name.replace(/["\\]/g, "") + "\"]");
      if (!input || input.type === "hidden") {
        Array.prototype.push.apply(general, messages);
        return;
      }
      var box = input.closest(".field") || input.closest(".result-choice") || input.parentNode;
      var p = document.createElement("p");
      p.className = "field__error js-error";
      p.id = (input.id || name) + "_jserror";
      p.textContent = messages.join(" ");
      // Read with the input, as the server's errors are (aria-describedby).
      input.setAttribute("aria-describedby",
        ((input.getAttribute("aria-describedby") || "") + " " + p.id).trim());
      input.setAttribute("aria-invalid", "true");
      input.classList.add("js-error-input");
      box.classList.add("field--error", "js-error-field");
      var legend = box.querySelector("legend");
      box.insertBefore(p, legend ? legend.nextSibling : box.firstChild);
      first = first || p;
    });
    if (!Object.keys(errors).length || general.length) {
      var alert = document.createElement("div");
      alert.className = "alert alert--error js-error";
      alert.setAttribute("role", "alert");
      alert.textContent = general.length ? general.join(" ") : error.message;
      form.insertBefore(alert, form.firstChild);
      first = alert;
    }
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  /* With the queue: keep the finding on the tablet first, then send it if there is
     signal. A refusal is shown here to correct; no signal leaves it queued. */
  function submit(form, event) {
    var outbox = window.FieldOutbox;
    if (!outbox || !outbox.supported) { return; }  // the plain form post
    event.preventDefault();
    stampCapture();
    clearErrors(form);
    var box = $("upload"), status = $("upload-status");
    var buttons = form.querySelectorAll("button[type=submit]");
    function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); box.hidden = !on; }
    function leave(entry, message) {
      outbox.flash(message);
      window.location.href = entry.next_url;
    }
    busy(true);
    status.textContent = text.saving_local;
    outbox.capture(form, draft ? draft.photos : null).then(function (entry) {
      if (draft) { entry.created_at = draft.created_at; }  // its place in the queue
      return outbox.add(entry);
    }).then(function (entry) {
      if (!navigator.onLine) { return leave(entry, text.saved_offline); }
      status.textContent = text.saving;
      return outbox.sendFinding(entry).then(function (result) {
        if (result === "sent") {
          return leave(entry, entry.photos.length ? text.saved_photos : text.saved);
        }
        busy(false);
        if (entry.error.status === 400) {
          // The form to correct is on the page: a new finding does not stay queued (one
          // being corrected does, with its photos).
          showErrors(form, entry.error);
          return draft ? outbox.render() : outbox.remove(entry.uuid).then(outbox.render);
        }
        // Refused for the inspection's state (signed minutes, say): kept in the queue,
        // with its photos, to send again or correct later.
        draft = entry;
        form.elements.client_uuid.value = entry.uuid;
        showErrors(form, { message: entry.error.message + " " + text.kept_failed });
        return outbox.render();
      }, function (error) {
        var message = text.saved_offline;
        if (error && error.signedOut) { message = text.signed_out; }
        if (error && error.serverTrouble) { message = text.saved_retry; }
        leave(entry, message);
      });
    }).catch(function (error) {
      busy(false);
      showErrors(form, { message: error.message || String(error) });
    });
  }

  /* ?draft=uuid: a queued finding the server refused, back in the form to correct. */
  function loadDraft(form) {
    var outbox = window.FieldOutbox;
    var id = new URLSearchParams(window.location.search).get("draft");
    if (!outbox || !outbox.supported) { return; }
    if (!id) {
      // The page may be a stored copy: each capture gets its own UUID.
      form.elements.client_uuid.value = outbox.newUuid();
      return;
    }
    outbox.get(id).then(function (entry) {
      var kind = form.dataset.kind || "finding";
      if (!entry || entry.state !== "failed" || (entry.kind || "finding") !== kind ||
          (kind === "finding" && String(entry.item_id) !== form.dataset.itemId)) {
        form.elements.client_uuid.value = outbox.newUuid();
        return;
      }
      draft = entry;
      var code = entry.error && entry.error.code;
      entry.fields.forEach(function (pair) {
        form.querySelectorAll("[name=\"" + pair[0] + "\"]").forEach(function (input) {
          if (input.type === "radio" || input.type === "checkbox") {
            input.checked = input.value === pair[1];
          } else if (input.type !== "file") {
            input.value = pair[1];
          }
        });
      });
      // Refusals the same fields would meet again: a fresh UUID, or the time of now.
      if (code === "uuid_taken") { form.elements.client_uuid.value = outbox.newUuid(); }
      if (code === "captured_in_future") { form.elements.captured_at.value = ""; }
      var note = document.createElement("div");
      note.className = "alert";
      note.setAttribute("role", "status");
      note.textContent = format(text.draft, { count: entry.photos.length });
      form.insertBefore(note, form.firstChild);
      if (entry.error) { showErrors(form, entry.error); }
    });
  }

  function init() {
    var form = document.querySelector("form[data-upload-form]");
    var source = $("field-text");
    if (!form || !source) { return; }
    text = JSON.parse(source.textContent);
    // A finding being corrected keeps the position where it was captured.
    if (!new URLSearchParams(window.location.search).get("draft")) { locate(); }
    form.addEventListener("change", function (e) {
      stampCapture();
      if (e.target.type === "file") { countPhotos(form); }
      if (["nominal", "unit", "lot_size"].indexOf(e.target.name) >= 0) { lotPlan(form); }
    });
    form.addEventListener("submit", function (e) { submit(form, e); });
    // Back to this page from the next one (the browser's page cache): a new capture.
    window.addEventListener("pageshow", function (e) {
      if (!e.persisted) { return; }
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      $("upload").hidden = true;
      if (!draft && window.FieldOutbox) { form.elements.client_uuid.value = window.FieldOutbox.newUuid(); }
    });
    loadDraft(form);
    lotPlan(form);
  }

  init();
})();
