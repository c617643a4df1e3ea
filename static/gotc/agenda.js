// The agenda's current-time line (progressive: the grid reads the same without it).
// Each day's grid carries its first and last hour as ISO 8601 with the venue's offset
// (data-starts, data-ends), so the line is right whatever the visitor's own time zone.
// `?now=2031-05-27T10:30:00%2B08:00` in the address shows the line at another moment.
(function () {
  "use strict";

  function now() {
    const asked = new URLSearchParams(window.location.search).get("now");
    const parsed = asked ? Date.parse(asked) : NaN;
    return Number.isNaN(parsed) ? Date.now() : parsed;
  }

  function draw() {
    const moment = now();
    document.querySelectorAll(".schedule[data-starts][data-ends]").forEach(function (grid) {
      const starts = Date.parse(grid.dataset.starts);
      const ends = Date.parse(grid.dataset.ends);
      let line = grid.querySelector(".schedule-now");
      const firstHour = grid.querySelector(".schedule-hour");
      if (Number.isNaN(starts) || !firstHour || moment < starts || moment > ends) {
        if (line) line.remove();
        return;
      }
      if (!line) {
        line = document.createElement("div");
        line.className = "schedule-now";
        line.setAttribute("aria-hidden", "true");
        grid.appendChild(line);
      }
      const hourHeight = firstHour.offsetHeight;
      const hours = (moment - starts) / 3600000;
      line.style.top = firstHour.offsetTop + hours * hourHeight + "px";
    });
  }

  function start() {
    draw();
    window.setInterval(draw, 60000);
    window.addEventListener("resize", draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
