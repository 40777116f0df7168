// The board's only script: live refresh over server-sent events, and checkboxes that save on change.
// No inline script anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("input[data-autosubmit]") && box.form) {
      box.form.requestSubmit();
    }
  });

  var source = document.body.dataset.events;
  var status = document.getElementById("live-status");
  var texts = document.getElementById("live-texts");
  if (!source || !window.EventSource) return;

  function say(which) {
    if (status && texts) status.textContent = texts.dataset[which];
  }

  var busy = false;
  var again = false;
  function typing(region) {
    var el = document.activeElement;
    return el && region.contains(el) && /^(TEXTAREA|INPUT)$/.test(el.tagName) && el.type !== "checkbox" &&
      el.type !== "radio" && el.value;
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html", "X-Board-Refresh": "1" } })
      .then(function (response) {
        if (response.redirected || !response.ok) { window.location.reload(); return null; }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (region) {
          var next = fresh.getElementById(region.id);
          if (!next) return;
          if (typing(region)) { again = true; return; }  // never wipe what someone is writing
          region.replaceWith(next);
        });
        document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
      })
      .catch(function () { again = true; })
      .then(function () {
        busy = false;
        if (again) { again = false; window.setTimeout(refresh, 500); }
      });
  }

  var stream;
  function connect() {
    stream = new EventSource(source);
    stream.onopen = function () { say("on"); document.body.dataset.live = "on"; };
    stream.onmessage = refresh;
    stream.addEventListener("signed-out", function () { window.location.reload(); });
    stream.onerror = function () {
      say("off");
      document.body.dataset.live = "off";
      if (stream.readyState === EventSource.CLOSED) {
        // refused (signed out) or the server went away for good: try again, the reload lands
        // on the sign-in page when the session is gone
        window.setTimeout(function () { window.location.reload(); }, 3000);
      }
    };
  }
  connect();
})();
