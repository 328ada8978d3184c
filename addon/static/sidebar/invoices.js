// The Invoices tab: every issued invoice (GET /api/invoices), each downloadable in four formats.
// Issued invoices are re-rendered by the server from their stored snapshot, so a download today
// shows exactly what was issued.

import { el } from "./dom.js";
import { day } from "./format.js";
import { t } from "./i18n.js";
import { downloadButtons } from "./report.js";

export function initInvoices(context) {
  const { api } = context;
  const status = document.getElementById("invoices-status");
  const table = document.getElementById("invoices-table");
  const body = document.getElementById("invoices");
  let fresh = false;

  function row(invoice) {
    const path = (format) => `/invoices/${encodeURIComponent(invoice.number)}/download?format=${format}`;
    return el("tr", { dataset: { number: invoice.number } },
      el("th", { scope: "row" }, invoice.number),
      el("td", { dir: "auto" }, invoice.client?.name || ""),
      el("td", {}, day(invoice.issue_date)),
      el("td", {}, day(invoice.due_date)),
      el("td", { class: "num" }, invoice.total_formatted),
      el("td", {}, el("div", { class: "downloads", role: "group", "aria-label": `${t("downloads")} ${invoice.number}` },
        downloadButtons(api, path, invoice.number))));
  }

  async function load() {
    const card = table.closest(".card");
    card.setAttribute("aria-busy", "true");
    fresh = true;
    status.hidden = false;
    status.textContent = t("loading");
    try {
      const data = await api.call("GET", "/invoices");
      const invoices = data.invoices || [];
      body.replaceChildren(...invoices.map(row));
      table.hidden = invoices.length === 0;
      status.textContent = invoices.length ? "" : t("invoices_empty");
      status.hidden = invoices.length > 0;
    } catch (error) {
      fresh = false;
      status.textContent = t("load_failed", { message: error.message });
    } finally {
      card.setAttribute("aria-busy", "false");
    }
  }

  document.getElementById("invoices-reload").addEventListener("click", load);
  return {
    show() {
      if (!fresh) {
        load();
      }
    },
    invalidate() {
      fresh = false;
    },
  };
}
