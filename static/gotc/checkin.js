// The check-in desk, on top of a page that works without it:
// - search results: the first person is highlighted, Up/Down move, Enter checks them in
//   (as long as the box still holds the search that listed them);
// - the box's text is selected on load, so a scanner (a keyboard typing code + Enter)
//   replaces the last search instead of adding to it;
// - changing the door reloads the page at that door, with its live numbers;
// - camera scanning: the browser's BarcodeDetector where it reads QR codes, otherwise the
//   vendored jsQR decoder (static/gotc/vendor/, loaded only then).
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var input = form.querySelector("[name=code]");
  var door = form.querySelector("[name=forum]");

  // --- the box ---------------------------------------------------------------------------
  var searched = input ? input.value : "";
  if (input && input.value) { input.select(); }

  // --- results: highlight and Enter --------------------------------------------------------
  var rows = Array.prototype.slice.call(document.querySelectorAll("#checkin-results .checkin-person"));
  var current = 0;
  function highlight(index) {
    if (!rows.length) { return; }
    current = (index + rows.length) % rows.length;
    rows.forEach(function (row, i) {
      row.classList.toggle("is-highlighted", i === current);
      if (i === current) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
    });
    rows[current].scrollIntoView({ block: "nearest" });
  }
  function checkInHighlighted() {
    var button = rows[current] && rows[current].querySelector(".checkin-person-button");
    if (!button) { return false; }
    button.disabled = true;
    var target = button.form;
    if (target.requestSubmit) { target.requestSubmit(); } else { target.submit(); }
    return true;
  }
  if (rows.length && input) {
    var hint = document.querySelector(".checkin-keys");
    if (hint) { hint.hidden = false; }
    highlight(0);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(current + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(current - 1); }
      else if (event.key === "Enter" && input.value === searched) {
        // The same search: Enter means "this person". A new text searches (or checks in a code).
        if (checkInHighlighted()) { event.preventDefault(); }
      }
    });
  }

  // --- the door: its numbers come with the page --------------------------------------------
  if (door) {
    door.addEventListener("change", function () {
      var params = new URLSearchParams();
      var conference = form.querySelector("[name=conference]");
      if (conference && conference.value) { params.set("conference", conference.value); }
      if (door.value) { params.set("forum", door.value); }
      window.location.assign(form.getAttribute("action") + (params.toString() ? "?" + params.toString() : ""));
    });
  }

  // --- camera ------------------------------------------------------------------------------
  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  if (!button || !video || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  button.hidden = false;
  var stream = null;
  var timer = null;
  var canvas = null;

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.hidden = true;
    button.textContent = button.dataset.start;
    status.textContent = "";
  }

  function found(text) {
    stop();
    input.value = text;
    form.submit();
  }

  // A decoder: a function from the video to a promise of the text read (or null).
  function nativeDecoder() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    var formats = window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : Promise.resolve(["qr_code"]);
    return formats.then(function (list) {
      if (list.indexOf("qr_code") < 0) { return null; }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }).catch(function () { return null; });
  }

  function loadJsQR() {
    if (window.jsQR) { return Promise.resolve(window.jsQR); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = button.dataset.vendorSrc;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function jsQRDecoder() {
    return loadJsQR().then(function (jsQR) {
      canvas = canvas || document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) { return Promise.resolve(null); }
        // Scale big frames down: decoding a 640-pixel frame is fast enough on a phone.
        var scale = Math.min(1, 640 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code && code.data ? code.data : null);
      };
    });
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    nativeDecoder().then(function (decode) {
      return decode || jsQRDecoder();
    }).then(function (decode) {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        video.play();
        button.textContent = button.dataset.stop;
        status.textContent = button.dataset.scanning;
        var busy = false;
        timer = setInterval(function () {
          if (busy) { return; }
          busy = true;
          decode().then(function (text) {
            busy = false;
            if (text) { found(text); }
          }).catch(function () { busy = false; });
        }, 250);
      });
    }).catch(function () {
      stop();
      status.textContent = button.dataset.noCamera;
    });
  });
})();
