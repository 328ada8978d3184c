// Small DOM helpers shared by the tabs: building nodes, the banner, errors next to fields and
// the confirmation dialog. Nothing here inserts HTML from strings except `setHtml`, which only
// the report preview uses (the server autoescapes that fragment and the CSP blocks scripts).

import { t } from "./i18n.js";

/** `el("button", {class: "x", onclick: f}, "text", child)`: attributes, then children. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

export function setHtml(node, html) {
  node.innerHTML = html; // server-rendered, autoescaped fragment; scripts cannot run (CSP)
}

const banner = () => document.getElementById("banner");

/** Show `message` above the tabs; `kind` is "error" (default), "info" or "success". */
export function showBanner(message, kind = "error") {
  const box = banner();
  if (!box) {
    return;
  }
  box.className = `banner banner-${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  document.getElementById("banner-text").textContent = message;
  box.hidden = false;
}

export function clearBanner() {
  const box = banner();
  if (box) {
    box.hidden = true;
  }
}

function fieldBox(form, field) {
  if (!form || !field) {
    return null;
  }
  let name = field;
  while (name) {
    const box = form.querySelector(`[data-field~="${CSS.escape(name)}"]`);
    if (box) {
      return box;
    }
    const dot = name.lastIndexOf(".");
    name = dot > 0 ? name.slice(0, dot) : "";
  }
  return null;
}

let errorCount = 0;

/** Put `message` next to the control of `field` in `form`; false if the form has no such field. */
export function fieldError(form, field, message) {
  const box = fieldBox(form, field);
  if (!box) {
    return false;
  }
  box.classList.add("has-error");
  let note = box.querySelector(":scope > .field-error");
  if (!note) {
    errorCount += 1;
    note = el("p", { class: "field-error", id: `field-error-${errorCount}` });
    box.append(note);
  }
  note.textContent = message;
  const control = box.matches("input, select, textarea, details")
    ? box
    : box.querySelector("input, select, textarea, summary");
  if (control) {
    control.setAttribute("aria-invalid", "true");
    const described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(note.id)) {
      control.setAttribute("aria-describedby", [...described, note.id].join(" "));
    }
  }
  return true;
}

export function clearErrors(form) {
  for (const note of form.querySelectorAll(".field-error")) {
    const control = form.querySelector(`[aria-describedby~="${note.id}"]`);
    if (control) {
      const rest = control.getAttribute("aria-describedby").split(" ").filter((id) => id !== note.id);
      if (rest.length) {
        control.setAttribute("aria-describedby", rest.join(" "));
      } else {
        control.removeAttribute("aria-describedby");
      }
      control.removeAttribute("aria-invalid");
    }
    note.closest(".has-error")?.classList.remove("has-error");
    note.remove();
  }
}

/** Show an API or validation error where it belongs: next to its field, else in the banner. */
export function showError(form, error, fallbackKey = "action_failed") {
  const message = error?.message || String(error);
  if (fieldError(form, error?.field, message)) {
    const box = fieldBox(form, error.field);
    box.querySelector("input, select, textarea, summary")?.focus();
    const details = box.closest("details");
    if (details) {
      details.open = true;
    }
    return;
  }
  showBanner(error?.localized ? message : t(fallbackKey, { message }));
}

/** Ask before something that cannot be undone; resolves true when confirmed. */
export async function confirmAction({ title, text, ok }) {
  return (await confirmChoice({ title, text, ok })) !== null;
}

/**
 * `confirmAction` with one checkbox in the dialog (`option`: `{label, checked}`, its initial
 * state): resolves null when cancelled, else `{checked}` as the admin left it. The box is reset
 * on every call, so one dialog's choice never carries over to the next.
 */
export function confirmChoice({ title, text, ok, option = null }) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = ok;
  const box = document.getElementById("confirm-check");
  document.getElementById("confirm-option").hidden = !option;
  document.getElementById("confirm-check-label").textContent = option?.label || "";
  box.checked = Boolean(option?.checked);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok" ? { checked: Boolean(option) && box.checked } : null);
    }, { once: true });
    dialog.returnValue = "cancel";
    dialog.showModal();
    document.getElementById("confirm-cancel").focus();
  });
}

/** Disable `button` while `work` (a promise) runs; returns its result. */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** A list of email addresses from "a@b.c, d@e.f" or one per line. */
export function addresses(text) {
  return text.split(/[\s,;]+/).map((part) => part.trim()).filter(Boolean);
}

export const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
