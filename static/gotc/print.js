// Print buttons (no inline handlers, so the CSP can forbid inline scripts).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
