// The Invoices tab: every issued invoice (GET /api/invoices), each downloadable in four formats
// and, through its "E-invoice" panel, as an e-invoice (sidebar/einvoices.js, with the forms).
// Issued invoices are re-rendered by the server from their stored snapshot, so a download today
// shows exactly what was issued. "In Clockify" says whether the invoice's time entries are marked
// invoiced there; every state but marked offers to mark them (POST /api/invoices/<n>/mark, which
// is idempotent, so a retry after a failure or an unfinished run is always safe).

import { busy, el, showBanner } from "./dom.js";
import { initEInvoices } from "./einvoices.js";
import { day } from "./format.js";
import { t } from "./i18n.js";
import { markingCell, markingSentence } from "./marking.js";
import { downloadButtons } from "./report.js";

export function initInvoices(context) {
  const { api } = context;
  const status = document.getElementById("invoices-status");
  const table = document.getElementById("invoices-table");
  const body = document.getElementById("invoices");
  let fresh = false;
  const einvoices = initEInvoices(context);

  function einvoiceButton(invoice) {
    const button = el("button", {
      type: "button", class: "secondary small", dataset: { action: "einvoice" },
      "aria-label": t("ei_of", { number: invoice.number }),
    }, t("ei_button"));
    button.addEventListener("click", () => einvoices.panel.open(invoice.number));
    return button;
  }

  function markButton(invoice) {
    const button = el("button", {
      type: "button", class: "secondary small", dataset: { action: "mark" },
      "aria-label": `${t("mark_invoiced")} ${invoice.number}`,
    }, t("mark_invoiced"));
    button.addEventListener("click", async () => {
      const path = `/invoices/${encodeURIComponent(invoice.number)}/mark`;
      try {
        const updated = await busy(button, api.call("POST", path, {}));
        // By number, not the button's row: a reload meanwhile may have replaced that row.
        const shown = body.querySelector(`tr[data-number="${CSS.escape(updated.number)}"]`);
        if (shown) {
          const active = document.activeElement;
          const focused = shown.contains(active) || active === document.body;
          const replacement = row(updated);
          shown.replaceWith(replacement);
          if (focused) {
            // Once marked the button is gone: keep the keyboard in the row, not on <body>.
            let target = replacement.querySelector('[data-action="mark"]');
            if (!target) {
              target = replacement.querySelector("th");
              target.tabIndex = -1;
            }
            target.focus();
          }
        }
        const marking = updated.clockify;
        const outcome = markingSentence(marking) || t(`marking_${marking.state}`);
        showBanner(`${updated.number} · ${outcome}`, marking.state === "marked" ? "success" : "error");
      } catch (error) {
        showBanner(t("action_failed", { message: error.message }));
      }
    });
    return button;
  }

  function row(invoice) {
    const path = (format) => `/invoices/${encodeURIComponent(invoice.number)}/download?format=${format}`;
    const marking = invoice.clockify || { state: "off", entries: 0, expenses: 0 };
    return el("tr", { dataset: { number: invoice.number, marking: marking.state } },
      el("th", { scope: "row", class: "invoice-number" }, invoice.number),
      el("td", { dir: "auto" }, invoice.client?.name || ""),
      el("td", {}, day(invoice.issue_date)),
      el("td", {}, day(invoice.due_date)),
      el("td", { class: "num" }, invoice.total_formatted),
      el("td", { class: "marking" }, markingCell(marking),
        marking.state === "marked" ? null : markButton(invoice)),
      el("td", {}, el("div", { class: "downloads", role: "group", "aria-label": `${t("downloads")} ${invoice.number}` },
        downloadButtons(api, path, invoice.number), einvoiceButton(invoice))));
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
      einvoices.show();
      if (!fresh) {
        load();
      }
    },
    invalidate() {
      fresh = false;
    },
  };
}
