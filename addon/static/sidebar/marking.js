// Where an issued invoice's time stands in Clockify (the `clockify` block of an issued invoice:
// state off | pending | marked | failed, error, entries, expenses), in words for the draft card
// and the banner, and as the Invoices table's "In Clockify" cell.

import { el } from "./dom.js";
import { count } from "./format.js";
import { t } from "./i18n.js";

const BADGES = {
  marked: "badge-ok", off: "badge-muted", pending: "badge-info", failed: "badge-error",
};

/** Expenses cannot be marked through Clockify's API, so a marked invoice with some says so. */
function expensesNote(marking) {
  return marking.state === "marked" && marking.expenses > 0 ? t("expenses_not_marked") : "";
}

/** The outcome as one line: "42 time entries marked invoiced in Clockify · Expenses are …". */
export function markingSentence(marking) {
  const parts = {
    marked: [marking.entries > 0 ? t("marked_n", { n: count(marking.entries) }) : "", expensesNote(marking)],
    off: [t("not_marked_off")],
    // Pending with a reason: Clockify was unavailable, and the scheduler tries again by itself.
    pending: [marking.error ? t("not_marked_because", { message: marking.error }) : t("not_marked_pending")],
    failed: [t("not_marked_because", { message: marking.error || "" })],
  }[marking.state] || [];
  return parts.filter(Boolean).join(" · ");
}

/** The table cell's content: a state badge, the count or the reason, and the note on expenses. */
export function markingCell(marking) {
  const lines = [el("span", { class: `badge ${BADGES[marking.state] || "badge-muted"}` }, t(`marking_${marking.state}`))];
  if (marking.state === "marked" && marking.entries > 0) {
    lines.push(el("span", { class: "row-sub muted" }, t("n_time_entries", { n: count(marking.entries) })));
  }
  if (marking.state === "failed" && marking.error) {
    lines.push(el("span", { class: "row-sub error-text" }, marking.error));
  } else if (marking.state === "pending" && marking.error) {
    lines.push(el("span", { class: "row-sub muted" }, marking.error));
  }
  const note = expensesNote(marking);
  if (note) {
    lines.push(el("span", { class: "row-sub muted" }, note));
  }
  return lines;
}
