// E-invoices in the Invoices tab: the seller form (PUT /api/einvoice/seller), a client's billing
// details (PUT /api/einvoice/clients/<id>), and per issued invoice the checklist of a format
// (GET /api/invoices/<n>/einvoice/check) and its download (GET /api/invoices/<n>/einvoice).
// Inputs carry the API's field names in data-field, so a 422 lands next to its field. Nothing is
// prefilled but what Clockify already shows (names, e-mail, the free-text address as a hint).

import { busy, clearErrors, el, showBanner, showError } from "./dom.js";
import { t } from "./i18n.js";

const PROFILES = [
  ["factur-x", "Factur-X PDF"], ["xrechnung-cii", "XRechnung CII"],
  ["xrechnung-ubl", "XRechnung UBL"], ["peppol", "Peppol UBL"],
];
const CATEGORIES = ["S", "Z", "E", "AE", "K", "G", "O"];
const ADDRESS = [["address.street", "ei_street"], ["address.city", "ei_city"],
  ["address.postcode", "ei_postcode"], ["address.country", "ei_country"]];
const SELLER = [["legal_name", "ei_legal_name"], ...ADDRESS, ["vat_id", "ei_vat_id"],
  ["tax_number", "ei_tax_number"], ["registration_id", "ei_registration_id"],
  ["contact_name", "ei_contact_name"], ["contact_phone", "ei_contact_phone"],
  ["contact_email", "ei_contact_email"], ["electronic_address.scheme", "ei_scheme"],
  ["electronic_address.identifier", "ei_identifier"], ["iban", "ei_iban"], ["bic", "ei_bic"],
  ["account_name", "ei_account_name"], ["payment_terms", "ei_payment_terms"]];
const BUYER = [["name", "ei_name"], ...ADDRESS, ["vat_id", "ei_vat_id"],
  ["registration_id", "ei_registration_id"], ["buyer_reference", "ei_buyer_reference"],
  ["email", "ei_email"], ["electronic_address.scheme", "ei_scheme"],
  ["electronic_address.identifier", "ei_identifier"]];

let ids = 0;

/** A labelled text input whose data-field is `prefix.name` (`seller.address.city`). */
function textField(prefix, [name, label]) {
  ids += 1;
  const id = `ei-${ids}`;
  const wide = name === "payment_terms" ? " field-wide" : "";
  return el("div", { class: `field${wide}`, dataset: { field: `${prefix}.${name}` } },
    el("label", { for: id }, t(label)),
    el("input", { type: "text", id, dataset: { name }, autocomplete: "off" }));
}

function get(object, path) {
  return path.split(".").reduce((value, part) => (value == null ? value : value[part]), object);
}

function fill(box, values) {
  for (const input of box.querySelectorAll("input[data-name]")) {
    input.value = get(values, input.dataset.name) ?? "";
  }
}

/** The inputs of `box` as the API's body: nested by the dots, an empty electronic address null. */
function read(box) {
  const body = {};
  for (const input of box.querySelectorAll("input[data-name]")) {
    const parts = input.dataset.name.split(".");
    const last = parts.pop();
    let target = body;
    for (const part of parts) {
      target = target[part] ||= {};
    }
    target[last] = input.value.trim();
  }
  const address = body.electronic_address;
  if (address && !address.scheme && !address.identifier) {
    body.electronic_address = null;
  }
  return body;
}

/** A VAT category select and its exemption reason, for tax `index` ("untaxed" for none). */
function taxFields(index, label) {
  ids += 1;
  const field = index === "untaxed" ? "seller.untaxed" : `seller.taxes[${index}]`;
  const select = el("select", { id: `ei-${ids}`, dataset: { tax: String(index) } },
    el("option", { value: "" }, t("ei_category_none")),
    ...CATEGORIES.map((code) => el("option", { value: code }, t(`ei_cat_${code}`))));
  const reason = el("input", { type: "text", id: `ei-${ids}-reason`, dataset: { reason: String(index) } });
  return [
    el("div", { class: "field", dataset: { field } }, el("label", { for: select.id }, label), select),
    el("div", { class: "field" }, el("label", { for: reason.id }, t("ei_reason")), reason),
  ];
}

function treatment(form, index) {
  const category = form.querySelector(`[data-tax="${index}"]`).value;
  const reason = form.querySelector(`[data-reason="${index}"]`).value.trim();
  if (!category) {
    return null;
  }
  return /^VATEX-/i.test(reason)
    ? { category, exemption_code: reason } : { category, exemption_reason: reason };
}

function showTreatment(form, index, value) {
  form.querySelector(`[data-tax="${index}"]`).value = value?.category || "";
  form.querySelector(`[data-reason="${index}"]`).value = value?.exemption_reason || value?.exemption_code || "";
}

function initSeller(api, onSaved) {
  const form = document.getElementById("seller-form");
  const fields = document.getElementById("seller-fields");
  const status = document.getElementById("seller-status");
  fields.replaceChildren(...SELLER.map((spec) => textField("seller", spec)));
  document.getElementById("seller-taxes").replaceChildren(
    ...taxFields(0, t("ei_tax_n", { n: 1 })), ...taxFields(1, t("ei_tax_n", { n: 2 })),
    ...taxFields("untaxed", t("ei_untaxed")));

  function show(data) {
    fill(fields, data.seller);
    fields.querySelector('[data-name="legal_name"]').placeholder = data.defaults.legal_name || "";
    showTreatment(form, 0, data.seller.taxes[0]);
    showTreatment(form, 1, data.seller.taxes[1]);
    showTreatment(form, "untaxed", data.seller.untaxed);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = read(fields);
    body.taxes = [treatment(form, 0), treatment(form, 1)].filter(Boolean);
    body.untaxed = treatment(form, "untaxed");
    try {
      show(await busy(document.getElementById("seller-save"), api.call("PUT", "/einvoice/seller", body)));
      status.textContent = t("ei_saved");
      onSaved();
    } catch (error) {
      status.textContent = "";
      showError(form, error);
    }
  });
  return async () => show(await api.call("GET", "/einvoice/seller"));
}

function initBuyer(api, clients, onSaved) {
  const form = document.getElementById("buyer-form");
  const select = document.getElementById("buyer-client");
  const fields = document.getElementById("buyer-fields");
  const save = document.getElementById("buyer-save");
  const hint = document.getElementById("buyer-clockify");
  fields.replaceChildren(...BUYER.map((spec) => textField("buyer", spec)));
  select.replaceChildren(el("option", { value: "" }, t("ei_choose_client")),
    ...clients.map((client) => el("option", { value: client.id }, client.name)));

  function show(data) {
    fill(fields, data.buyer);
    fields.querySelector('[data-name="name"]').placeholder = data.defaults.name || "";
    fields.querySelector('[data-name="email"]').placeholder = data.defaults.email || "";
    hint.textContent = data.defaults.address ? t("ei_default", { value: data.defaults.address }) : "";
  }

  select.addEventListener("change", async () => {
    clearErrors(form);
    // Hidden until this client's details arrive, so nothing typed meanwhile is overwritten.
    fields.hidden = save.hidden = true;
    hint.textContent = "";
    const chosen = select.value;
    if (chosen) {
      try {
        const data = await api.call("GET", `/einvoice/clients/${encodeURIComponent(chosen)}`);
        if (chosen === select.value) {
          show(data);
          fields.hidden = save.hidden = false;
        }
      } catch (error) {
        showBanner(t("load_failed", { message: error.message }));
      }
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const path = `/einvoice/clients/${encodeURIComponent(select.value)}`;
    try {
      show(await busy(save, api.call("PUT", path, read(fields))));
      document.getElementById("buyer-status").textContent = t("ei_saved");
      onSaved();
    } catch (error) {
      showError(form, error);
    }
  });
}

/** The panel of one invoice's e-invoice: checklist of the chosen format, then its downloads. */
function initPanel(api) {
  const card = document.getElementById("einvoice-card");
  const profile = document.getElementById("einvoice-profile");
  const status = document.getElementById("einvoice-status");
  const list = document.getElementById("einvoice-problems");
  const downloads = document.getElementById("einvoice-downloads");
  let number = null;

  function problemItem(problem) {
    return el("li", { dataset: { field: problem.field } }, problem.message,
      problem.rule ? ` [${problem.rule}]` : "",
      problem.where ? el("span", { class: "where" }, ` · ${t(`ei_where_${problem.where}`)}`) : null);
  }

  async function check() {
    const shown = number;
    status.textContent = t("loading");
    list.replaceChildren();
    try {
      const path = `/invoices/${encodeURIComponent(shown)}/einvoice/check?profile=${profile.value}`;
      const result = await api.call("GET", path);
      if (shown !== number) {
        return;
      }
      status.textContent = result.ready ? t("ei_ready") : t("ei_missing", { n: result.problems.length });
      list.replaceChildren(...result.problems.map(problemItem));
    } catch (error) {
      status.textContent = t("load_failed", { message: error.message });
    }
  }

  downloads.replaceChildren(...PROFILES.map(([value, label]) => {
    const button = el("button", { type: "button", class: "secondary small", dataset: { profile: value } }, label);
    button.addEventListener("click", () => {
      const path = `/invoices/${encodeURIComponent(number)}/einvoice?profile=${value}`;
      busy(button, api.download(path, `${number}-${value}`)).catch((error) => {
        profile.value = value;
        status.textContent = t("ei_missing", { n: (error.problems || []).length });
        list.replaceChildren(...(error.problems || []).map(problemItem));
        showBanner(t("ei_refused", { message: error.message }));
      });
    });
    return button;
  }));
  profile.addEventListener("change", check);
  document.getElementById("einvoice-close").addEventListener("click", () => {
    card.hidden = true;
  });
  return {
    open(invoiceNumber) {
      number = invoiceNumber;
      card.hidden = false;
      const title = document.getElementById("einvoice-title");
      title.textContent = t("ei_of", { number });
      title.focus();
      check();
    },
    refresh() {
      if (!card.hidden) {
        check();
      }
    },
  };
}

export function initEInvoices(context) {
  const { api, workspace } = context;
  const panel = initPanel(api);
  const loadSeller = initSeller(api, panel.refresh);
  initBuyer(api, workspace.clients || [], panel.refresh);
  let loaded = false;
  return {
    panel,
    show() {
      if (!loaded) {
        loaded = true;
        loadSeller().catch((error) => {
          loaded = false;
          showBanner(t("load_failed", { message: error.message }));
        });
      }
    },
  };
}
