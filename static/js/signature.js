/* Drawing a signature on the tablet's screen: a canvas that follows pointer events
   (finger, stylus or mouse alike). Each finished stroke puts the drawing, as a PNG data
   URL, in the form's hidden `image` field, which the form (or the tablet's queue,
   static/js/field.js) sends. Without this script the pad stays hidden and the page
   says that a drawn signature needs JavaScript and offers the paper route. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  function init() {
    var pad = $("sign-pad"), canvas = $("sign-canvas");
    var form = canvas ? canvas.closest("form") : null;
    if (!pad || !canvas || !form || !canvas.getContext) { return; }
    var text = {};
    try { text = JSON.parse($("field-text").textContent); } catch (e) { /* defaults */ }
    var image = form.elements.image, stamp = form.elements.signed_at;
    var status = $("sign-status");
    var ctx = canvas.getContext("2d");
    var drawing = false, last = null, drawn = false;
    pad.hidden = false;

    /* The canvas's pixels follow its size on screen (sharp on a high-density screen);
       after a resize (the tablet turned) what was drawn is drawn again at the new size. */
    function fit() {
      var ratio = window.devicePixelRatio || 1;
      var width = canvas.clientWidth, height = canvas.clientHeight;
      if (!width || !height) { return; }
      var kept = drawn ? image.value : "";
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#0b1f44";
      ctx.lineWidth = 2.6;
      clear();
      if (kept) {
        var picture = new Image();
        picture.onload = function () {
          if (drawn) { return; }  // a new signature was begun meanwhile
          ctx.drawImage(picture, 0, 0, width, height);
          drawn = true;
          image.value = canvas.toDataURL("image/png");
          if (status) { status.textContent = text.drawn || ""; }
        };
        picture.src = kept;
      }
    }

    function clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      image.value = "";
      if (status) { status.textContent = text.empty || ""; }
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function dot(p) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button > 0) { return; }
      event.preventDefault();
      drawing = true;
      last = point(event);
      dot(last);
      if (canvas.setPointerCapture) {
        try { canvas.setPointerCapture(event.pointerId); } catch (e) { /* synthetic event */ }
      }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      (events.length ? events : [event]).forEach(function (e) {
        var p = point(e);
        ctx.beginPath();
        ctx.moveTo(last.x, last.y);
        ctx.lineTo(p.x, p.y);
        ctx.stroke();
        last = p;
      });
    });
    function end() {
      if (!drawing) { return; }
      drawing = false;
      drawn = true;
      image.value = canvas.toDataURL("image/png");
      if (stamp && !stamp.value) { stamp.value = new Date().toISOString(); }
      if (status) { status.textContent = text.drawn || ""; }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);
    $("sign-clear").addEventListener("click", function () {
      clear();
      if (stamp) { stamp.value = ""; }
    });
    form.addEventListener("submit", function (event) {
      if (!drawn || !image.value) {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (status) { status.textContent = text.empty || ""; }
        canvas.focus();
      }
    });
    var width = canvas.clientWidth;
    window.addEventListener("resize", function () {
      if (canvas.clientWidth !== width) { width = canvas.clientWidth; fit(); }
    });
    fit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
