// Forum picks: warn as soon as two ticked forums overlap in time, before the form is sent.
// Progressive: without this script the server's answer says the same after submitting, and
// the server stays the judge either way (registration.services.rules.check_picks).
(function () {
  "use strict";

  function span(box) {
    return { starts: Date.parse(box.dataset.starts), ends: Date.parse(box.dataset.ends) };
  }

  function message(template, first, second) {
    return template.replace("%(first)s", first).replace("%(second)s", second);
  }

  function check(fieldset) {
    const boxes = Array.from(fieldset.querySelectorAll("input[name=forums][data-starts]"));
    const ticked = boxes.filter(function (box) { return box.checked; });
    const clashing = new Set();
    const lines = [];
    ticked.forEach(function (first, index) {
      ticked.slice(index + 1).forEach(function (second) {
        const a = span(first);
        const b = span(second);
        if (a.starts < b.ends && b.starts < a.ends) {
          clashing.add(first);
          clashing.add(second);
          lines.push(message(fieldset.dataset.overlapMessage, first.dataset.title, second.dataset.title));
        }
      });
    });
    boxes.forEach(function (box) {
      const card = box.closest(".pick-card");
      if (card) card.classList.toggle("is-overlapping", clashing.has(box));
    });
    const warning = fieldset.querySelector(".overlap-warning");
    if (!warning) return;
    const text = lines.join(" ");
    if (warning.textContent !== text) warning.textContent = text;
  }

  function start() {
    document.querySelectorAll("fieldset.forum-picks[data-overlap-message]").forEach(function (fieldset) {
      fieldset.addEventListener("change", function (event) {
        if (event.target.name === "forums") check(fieldset);
      });
      check(fieldset);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
