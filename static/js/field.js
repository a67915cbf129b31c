/* Tablet finding form: device position and capture time, photo count, upload progress,
   and the Circular 21/2014 sampling plan. The form works without this script. */
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

  function upload(form, event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    stampCapture();
    var box = $("upload"), bar = $("upload-progress"), status = $("upload-status");
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round(e.loaded * 100 / e.total);
      bar.value = percent;
      status.textContent = format(text.uploading, {
        percent: percent, done: megabytes(e.loaded), total: megabytes(e.total)
      });
    };
    xhr.upload.onload = function () { status.textContent = text.saving; };
    xhr.onload = function () {
      if (xhr.status === 200 && /json/.test(xhr.getResponseHeader("Content-Type") || "")) {
        window.location.href = JSON.parse(xhr.responseText).redirect;
        return;
      }
      // The form came back with errors: show it in place of this one.
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = page.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(main);
        init();
        var error = document.querySelector(".field__error, .alert--error");
        if (error) { error.scrollIntoView({ block: "center" }); }
        return;
      }
      // No page came back (e.g. 413, the request was too large): say so, keep the form.
      buttons.forEach(function (b) { b.disabled = false; });
      status.textContent = (page.body.textContent || "").trim().slice(0, 300) || text.offline;
    };
    xhr.onerror = function () {
      buttons.forEach(function (b) { b.disabled = false; });
      status.textContent = text.offline;
    };
    xhr.send(new FormData(form));
  }

  function init() {
    var form = document.querySelector("form[data-upload-form]");
    var source = $("field-text");
    if (!form || !source) { return; }
    text = JSON.parse(source.textContent);
    locate();
    form.addEventListener("change", function (e) {
      stampCapture();
      if (e.target.type === "file") { countPhotos(form); }
      if (["nominal", "unit", "lot_size"].indexOf(e.target.name) >= 0) { lotPlan(form); }
    });
    form.addEventListener("submit", function (e) { upload(form, e); });
    lotPlan(form);
  }

  init();
})();
