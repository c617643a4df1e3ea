// Stars on talks (the ☆ next to each talk on the program pages).
// Everyone's stars are kept in this browser (localStorage "gotc.stars": talk ids). A registered
// attendee's private page leaves their star address here ("gotc.starsync"); from then on the
// stars are also kept on the server, so that they are the same on every browser where the
// attendee opened their private link. The first sync merges this browser's stars into the
// server's; after that the server's list is the truth and each click is sent at once.
(function () {
  "use strict";
  var STARS = "gotc.stars", SYNC = "gotc.starsync", MERGED = "gotc.starsync.merged";
  var PENDING = "gotc.stars.pending";
  var store;
  try { store = window.localStorage; store.getItem(STARS); } catch (e) { return; }
  var labels = document.getElementById("star-labels");
  var addLabel = (labels && labels.dataset.add) || "Star this talk";
  var removeLabel = (labels && labels.dataset.remove) || "Remove the star";

  function load() {
    try { return new Set((JSON.parse(store.getItem(STARS)) || []).map(Number)); }
    catch (e) { return new Set(); }
  }
  function save(stars) { store.setItem(STARS, JSON.stringify(Array.from(stars))); }

  var stars = load();
  var marker = document.getElementById("star-sync");
  if (marker && marker.dataset.url) {
    if (store.getItem(SYNC) !== marker.dataset.url) { store.removeItem(MERGED); }
    store.setItem(SYNC, marker.dataset.url);
  }
  var url = store.getItem(SYNC);
  var buttons = [];
  var clicks = 0;  // a click while the server's list is on its way makes that list stale

  function show() {
    buttons.forEach(function (button) {
      var on = stars.has(Number(button.dataset.talk));
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "★" : "☆";
      button.title = (on ? removeLabel : addLabel);
      button.setAttribute("aria-label", (on ? removeLabel : addLabel) + ": " + button.dataset.title);
    });
    document.dispatchEvent(new CustomEvent("gotc:stars", { detail: Array.from(stars) }));
  }

  // Clicks not yet confirmed by the server ({talk: starred}): a click followed at once by a
  // link, or made offline, is sent again on the next page instead of being lost.
  function pending() {
    try { return JSON.parse(store.getItem(PENDING)) || {}; } catch (e) { return {}; }
  }
  function settle(talk, starred) {
    var waiting = pending();
    if (waiting[talk] === starred) { delete waiting[talk]; store.setItem(PENDING, JSON.stringify(waiting)); }
  }
  function send(talk, starred) {
    if (!url) { return Promise.resolve(null); }
    var waiting = pending();
    waiting[talk] = starred;
    store.setItem(PENDING, JSON.stringify(waiting));
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      keepalive: true,  // finishes even if the visitor leaves the page right away
      body: JSON.stringify({ talk: talk, starred: starred })
    }).then(function (response) {
      // 400: a talk the server will never take (another edition): nothing to retry.
      if (response.ok || response.status === 400) { settle(talk, starred); }
      return response.ok ? response.json() : null;
    }).catch(function () { return null; });
  }

  document.querySelectorAll("[data-star-talk]").forEach(function (item) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "star-toggle";
    button.dataset.talk = item.dataset.starTalk;
    button.dataset.title = item.dataset.starTitle || "";
    button.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      var talk = Number(button.dataset.talk);
      var starred = !stars.has(talk);
      clicks += 1;
      if (starred) { stars.add(talk); } else { stars.delete(talk); }
      save(stars);
      show();
      send(talk, starred);
    });
    item.appendChild(button);
    buttons.push(button);
  });
  show();

  if (!url) { return; }
  var clicksBefore = clicks;
  fetch(url, { credentials: "omit", cache: "no-store" }).then(function (response) {
    if (response.status === 404) {  // a replaced private link: stop syncing with it
      store.removeItem(SYNC); store.removeItem(MERGED); store.removeItem(PENDING);
      url = null; return null;
    }
    return response.ok ? response.json() : null;
  }).then(function (data) {
    if (!data || clicks !== clicksBefore) { return; }  // this page's clicks are newer
    var server = new Set(data.talks.map(Number));
    if (store.getItem(MERGED) === url) {
      stars = server;
      var waiting = pending();
      Object.keys(waiting).forEach(function (key) {
        var talk = Number(key);
        if (waiting[key]) { stars.add(talk); } else { stars.delete(talk); }
        send(talk, waiting[key]);
      });
    } else {
      stars.forEach(function (talk) { if (!server.has(talk)) { send(talk, true); } });
      server.forEach(function (talk) { stars.add(talk); });
      store.setItem(MERGED, url);
    }
    save(stars);
    show();
  }).catch(function () {});
})();
