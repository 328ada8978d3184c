// The sidebar's entry module: calls /api/ with the session the server rendered into
// <meta name="session"> (never Clockify's token, see addon/web/session.py), then starts the
// three tabs (sidebar/report.js, sidebar/invoices.js, sidebar/schedules.js).
//
// Public hooks, used by tests and kept stable: window.reportsAddon.call(method, path, body)
// resolves with the parsed JSON answer (null for 204) and rejects with an ApiError;
// window.reportsAddon.refreshSession() exchanges a fresh Clockify token for a new session.

import { applyLabels, t } from "./sidebar/i18n.js";
import { showBanner } from "./sidebar/dom.js";
import { setLocale } from "./sidebar/format.js";
import { browserZone } from "./sidebar/dates.js";
import { initReport } from "./sidebar/report.js";
import { initInvoices } from "./sidebar/invoices.js";
import { initSchedules } from "./sidebar/schedules.js";

const meta = document.querySelector('meta[name="session"]');
let session = meta ? meta.getAttribute("content") : "";
let refreshing = null;

// Clockify put its user token in our URL; drop it so it is not kept in history or shared.
const here = new URL(window.location.href);
if (here.searchParams.has("auth_token")) {
  here.searchParams.delete("auth_token");
  window.history.replaceState(null, "", here.pathname + here.search + here.hash);
}

/** An answer of the API that was not 2xx: `{error, message, field?, problems?}` plus the status. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.error || "http_error";
    this.field = body?.field || null;
    this.problems = body?.problems || []; // a refused e-invoice: every reason at once
  }
}

// Ask Clockify for a fresh user token and exchange it for a new session (POST body, no URL).
function refreshSession() {
  if (refreshing) {
    return refreshing;
  }
  refreshing = new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => {
      window.removeEventListener("message", onMessage);
      reject(new Error("Clockify did not refresh the token"));
    }, 10000);
    function onMessage(event) {
      if (event.source !== window.parent) {
        return;
      }
      let data = event.data;
      if (typeof data === "string") {
        try { data = JSON.parse(data); } catch { return; }
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
  }).then((token) => fetch("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth_token: token }),
    credentials: "omit",
  })).then((response) => {
    if (!response.ok) {
      throw new Error(`session refresh refused (${response.status})`);
    }
    return response.json();
  }).then((body) => {
    session = body.session;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function readBody(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** One request with the session; on 401 session_expired it refreshes once and repeats. */
async function send(method, path, body, accept = "application/json", retried = false) {
  const init = {
    method,
    headers: { "Authorization": `Bearer ${session}`, "Accept": accept },
    credentials: "omit",
  };
  if (method !== "GET") {
    init.headers["Content-Type"] = "application/json"; // the API refuses other state changes
    init.body = JSON.stringify(body || {});
  }
  const response = await fetch(`/api${path}`, init);
  if (response.status === 401 && !retried) {
    const data = await readBody(response.clone());
    if (data && data.error === "session_expired") {
      try {
        await refreshSession();
      } catch (error) {
        showBanner(t("session_lost"));
        throw error;
      }
      return send(method, path, body, accept, true);
    }
  }
  return response;
}

async function call(method, path, body) {
  const response = await send(method, path, body);
  if (response.status === 204) {
    return null;
  }
  const data = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }
  return data;
}

/** The server's name from Content-Disposition (`filename*=UTF-8''…` preferred), else null. */
function filenameOf(disposition) {
  if (!disposition) {
    return null;
  }
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim());
    } catch { /* fall back to the plain name */ }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(disposition);
  if (!plain) {
    return null;
  }
  return (plain[2] !== undefined ? plain[2].replace(/\\(.)/g, "$1") : plain[1]).trim();
}

/** Fetch a file with the session and save it under the server's filename. */
async function download(path, fallbackName) {
  const response = await send("GET", path, undefined, "*/*");
  if (!response.ok) {
    throw new ApiError(response.status, await readBody(response));
  }
  const blob = await response.blob();
  const name = filenameOf(response.headers.get("Content-Disposition")) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

const api = { call, download, ApiError };
window.reportsAddon = { call, refreshSession };

// ---------------------------------------------------------------------------------- tabs

function initTabs(onShow) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  function select(tab, focus) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) {
      tab.focus();
    }
    onShow(tab.id.replace("tab-", ""));
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(tab);
      const target = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (target !== undefined) {
        event.preventDefault();
        select(tabs[(target + tabs.length) % tabs.length], true);
      }
    });
  }
}

// The workspace's lists and defaults; the page still works (schedules, invoices) without them.
const EMPTY_WORKSPACE = {
  workspace: { id: "", name: "", currency: "" },
  user: { id: "", role: "" },
  defaults: { zone: null, locale: "en_US", week_start: "MONDAY", durations: "decimal" },
  invoice_defaults: { grouping: "project", due_days: 30, tax_percent: "0", second_tax_percent: "0", notes: "" },
  clients: [], projects: [], users: [], tags: [],
};

async function loadWorkspace() {
  try {
    const data = await call("GET", "/workspace");
    return {
      ...EMPTY_WORKSPACE,
      ...data,
      defaults: { ...EMPTY_WORKSPACE.defaults, ...(data.defaults || {}) },
      invoice_defaults: { ...EMPTY_WORKSPACE.invoice_defaults, ...(data.invoice_defaults || {}) },
    };
  } catch (error) {
    showBanner(t("load_failed", { message: error.message }));
    return EMPTY_WORKSPACE;
  }
}

async function start() {
  applyLabels(document);
  document.getElementById("banner-close").addEventListener("click", () => {
    document.getElementById("banner").hidden = true;
  });
  const workspace = await loadWorkspace();
  workspace.zone = workspace.defaults.zone || browserZone();
  setLocale(workspace.defaults.locale);
  document.getElementById("workspace-name").textContent = workspace.workspace.name
    ? `${workspace.workspace.name} · ` : "";
  const context = { api, workspace };
  const tabs = {
    report: initReport(context),
    invoices: initInvoices(context),
    schedules: initSchedules(context),
  };
  context.tabs = tabs;
  initTabs((name) => tabs[name].show());
  tabs.report.show();
  document.body.classList.add("ready");
}

start();
