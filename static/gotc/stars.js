// Stars on talks (the ☆ next to each talk on the program pages).
// Everyone's stars are kept in this browser (localStorage "gotc.stars": talk ids). A registered
// attendee's private page leaves their star address here ("gotc.starsync"); from then on the
// stars are also kept on the server, so that they are the same on every browser where the
// attendee opened their private link. The first sync merges this browser's stars into the
// server's; after that the server's list is the truth and each click is sent at once.
(function () {
  "use strict";
  var STARS = "gotc.stars", SYNC = "gotc.starsync", MERGED = "gotc.starsync.merged";
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

  function send(talk, starred) {
    if (!url) { return Promise.resolve(null); }
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({ talk: talk, starred: starred })
    }).then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
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
  fetch(url, { credentials: "omit", cache: "no-store" }).then(function (response) {
    if (response.status === 404) {  // a replaced private link: stop syncing with it
      store.removeItem(SYNC); store.removeItem(MERGED); url = null; return null;
    }
    return response.ok ? response.json() : null;
  }).then(function (data) {
    if (!data) { return; }
    var server = new Set(data.talks.map(Number));
    if (store.getItem(MERGED) === url) {
      stars = server;
    } else {
      stars.forEach(function (talk) { if (!server.has(talk)) { send(talk, true); } });
      server.forEach(function (talk) { stars.add(talk); });
      store.setItem(MERGED, url);
    }
    save(stars);
    show();
  }).catch(function () {});
})();
