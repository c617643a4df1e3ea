// Camera scanning at the door, where the browser has BarcodeDetector. Typing always works.
(function () {
  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var form = document.getElementById("checkin-form");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      status.textContent = button.dataset.scanning || "…";
      var timer = setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (!codes.length) { return; }
          clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          form.querySelector("[name=code]").value = codes[0].rawValue;
          form.submit();
        }).catch(function () {});
      }, 300);
    }).catch(function (error) {
      status.textContent = String(error);
    });
  });
})();
