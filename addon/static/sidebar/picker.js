// A multi-select for clients, projects, users and tags: a <details> disclosure holding a search
// box and one labelled checkbox per item, so it works with the keyboard and screen readers and
// stays usable with hundreds of projects in a 600 px wide iframe.

import { el } from "./dom.js";
import { t } from "./i18n.js";

export class Picker {
  constructor(details) {
    this.details = details;
    this.name = details.dataset.picker;
    this.box = details.querySelector(".picker-options");
    this.count = details.querySelector(".picker-count");
    this.search = details.querySelector(".picker-search");
    this.search.addEventListener("input", () => this.filter());
    details.querySelector(".picker-clear").addEventListener("click", () => {
      this.value = [];
      this.changed();
    });
    this.box.addEventListener("change", () => this.changed());
    details.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
  }

  /** Replace the choices: `[{id, name, hint}]`, keeping whatever was ticked and still exists. */
  setOptions(items) {
    const ticked = new Set(this.value);
    const legend = this.box.querySelector("legend");
    this.box.replaceChildren(legend);
    if (!items.length) {
      this.box.append(el("p", { class: "muted picker-empty" }, t("no_options")));
    }
    for (const item of items) {
      const input = el("input", { type: "checkbox", value: item.id, checked: ticked.has(item.id) });
      const label = el("label", { class: "picker-option" }, input, " ",
        el("span", {}, item.name), item.hint ? el("span", { class: "muted" }, ` · ${item.hint}`) : null);
      label.dataset.search = `${item.name} ${item.hint || ""}`.toLowerCase();
      this.box.append(label);
    }
    this.box.append(el("p", { class: "muted picker-nomatch", hidden: true }, t("no_match")));
    this.filter();
    this.updateCount();
  }

  get value() {
    return [...this.box.querySelectorAll("input:checked")].map((input) => input.value);
  }

  set value(ids) {
    const wanted = new Set(ids || []);
    for (const input of this.box.querySelectorAll("input[type=checkbox]")) {
      input.checked = wanted.has(input.value);
    }
    this.updateCount();
  }

  filter() {
    const needle = this.search.value.trim().toLowerCase();
    let shown = 0;
    for (const label of this.box.querySelectorAll(".picker-option")) {
      label.hidden = Boolean(needle) && !label.dataset.search.includes(needle);
      shown += label.hidden ? 0 : 1;
    }
    const none = this.box.querySelector(".picker-nomatch");
    if (none) {
      none.hidden = shown > 0 || !this.box.querySelector(".picker-option");
    }
  }

  updateCount() {
    const n = this.value.length;
    this.count.textContent = n ? t("n_selected", { n }) : t("any");
    this.details.classList.toggle("picker-active", n > 0);
  }

  changed() {
    this.updateCount();
    this.details.dispatchEvent(new Event("pickerchange", { bubbles: true }));
  }
}

/** The four pickers of a form, filled from /api/workspace's lists. */
export function filterPickers(form, workspace) {
  const pickers = {};
  for (const details of form.querySelectorAll("details.picker")) {
    pickers[details.dataset.picker] = new Picker(details);
  }
  const clientNames = new Map(workspace.clients.map((c) => [c.id, c.name]));
  pickers.clients.setOptions(workspace.clients.map((c) => ({ id: c.id, name: c.name })));
  pickers.projects.setOptions(workspace.projects.map((p) => ({
    id: p.id, name: p.name, hint: p.client_id ? clientNames.get(p.client_id) : "",
  })));
  pickers.users.setOptions(workspace.users.map((u) => ({ id: u.id, name: u.name })));
  pickers.tags.setOptions(workspace.tags.map((tag) => ({ id: tag.id, name: tag.name })));
  return pickers;
}

/** The `filters` object the API takes, read from a form holding the filter controls. */
export function readFilters(form, pickers) {
  const billable = form.elements.billable.value;
  return {
    clients: pickers.clients.value,
    projects: pickers.projects.value,
    users: pickers.users.value,
    tags: pickers.tags.value,
    billable: billable === "" ? null : billable === "true",
    invoicing: form.elements.invoicing.value,
    non_work_time: form.elements.non_work_time.value,
  };
}

export function writeFilters(form, pickers, filters) {
  const given = filters || {};
  for (const name of ["clients", "projects", "users", "tags"]) {
    pickers[name].value = given[name] || [];
  }
  form.elements.billable.value = given.billable === true ? "true" : given.billable === false ? "false" : "";
  form.elements.invoicing.value = given.invoicing || "ALL";
  form.elements.non_work_time.value = given.non_work_time || "SEPARATE";
}

/** Groups from the form's 1-3 group selects, in order, without the empty ones. */
export function readGroups(form) {
  return [...form.querySelectorAll(".group-select")].map((select) => select.value).filter(Boolean);
}

export function writeGroups(form, groups) {
  const selects = [...form.querySelectorAll(".group-select")];
  selects.forEach((select, index) => {
    select.value = (groups || [])[index] || (select.querySelector("option[value='']") ? "" : "PROJECT");
  });
}
