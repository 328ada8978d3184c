// The sidebar's script: calls /api/ with the session the server rendered into
// <meta name="session"> (never Clockify's token, see addon/web/session.py).
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="session"]');
  var session = meta ? meta.getAttribute("content") : "";
  var refreshing = null;

  // Clockify put its user token in our URL; drop it so it is not kept in history or shared.
  var here = new URL(window.location.href);
  if (here.searchParams.has("auth_token")) {
    here.searchParams.delete("auth_token");
    window.history.replaceState(null, "", here.pathname + here.search + here.hash);
  }

  // Ask Clockify for a fresh user token and exchange it for a new session (POST body, no URL).
  function refreshSession() {
    if (refreshing) {
      return refreshing;
    }
    refreshing = new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () {
        window.removeEventListener("message", onMessage);
        reject(new Error("Clockify did not refresh the token"));
      }, 10000);
      function onMessage(event) {
        if (event.source !== window.parent) {
          return;
        }
        var data = event.data;
        if (typeof data === "string") {
          try { data = JSON.parse(data); } catch (e) { return; }
        }
        if (!data || data.title !== "refreshAddonToken" || typeof data.body !== "string") {
          return;
        }
        window.clearTimeout(timer);
        window.removeEventListener("message", onMessage);
        resolve(data.body);
      }
      window.addEventListener("message", onMessage);
      window.parent.postMessage(JSON.stringify({ action: "refreshAddonToken", payload: {} }), "*");
    }).then(function (token) {
      return fetch("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ auth_token: token }),
        credentials: "omit"
      });
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("session refresh refused (" + response.status + ")");
      }
      return response.json();
    }).then(function (body) {
      session = body.session;
    }).finally(function () {
      refreshing = null;
    });
    return refreshing;
  }

  function call(method, path, body, retried) {
    var init = {
      method: method,
      headers: { "Authorization": "Bearer " + session, "Accept": "application/json" },
      credentials: "omit"
    };
    if (method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body || {});
    }
    return fetch("/api" + path, init).then(function (response) {
      if (response.status === 204) {
        return null;
      }
      return response.json().then(function (data) {
        if (response.status === 401 && data.error === "session_expired" && !retried) {
          return refreshSession().then(function () { return call(method, path, body, true); });
        }
        if (!response.ok) {
          throw new Error(data.message || ("HTTP " + response.status));
        }
        return data;
      });
    });
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) {
      node.className = className;
    }
    return node;
  }

  function showSchedules() {
    var list = document.getElementById("schedules");
    var status = document.getElementById("schedules-status");
    if (!list || !status) {
      return;
    }
    call("GET", "/schedules").then(function (data) {
      list.replaceChildren();
      data.schedules.forEach(function (schedule) {
        var item = document.createElement("li");
        item.dataset.id = String(schedule.id);
        item.appendChild(text("strong", schedule.name));
        var when = schedule.paused ? "paused" : "next " + schedule.next_send;
        item.appendChild(text("span", " " + schedule.frequency.toLowerCase() + ", " + when, "muted"));
        list.appendChild(item);
      });
      status.textContent = data.schedules.length ? "" : "No scheduled emails yet.";
    }).catch(function (error) {
      status.textContent = "Could not load schedules: " + error.message;
    });
  }

  window.reportsAddon = { call: call, refreshSession: refreshSession };
  showSchedules();
})();
