// The Report tab: a summary or invoice drafts for a period and filters, built by a background
// job (POST /api/reports, then GET /api/jobs/<id>), previewed as the server's HTML fragment,
// with downloads and, for invoice drafts, "Issue invoice" (which also marks the draft's time
// entries invoiced in Clockify, unless the admin unticks that in the confirmation).

import { busy, clearBanner, clearErrors, confirmChoice, el, fieldError, setHtml, showBanner, showError } from "./dom.js";
import { count } from "./format.js";
import { t } from "./i18n.js";
import { describeProgress, JobFailed, pollJob } from "./jobs.js";
import { markingSentence } from "./marking.js";
import { filterPickers, readFilters, readGroups, writeGroups } from "./picker.js";
import { isZone, presetRange, zones } from "./dates.js";

export const FORMATS = ["html", "csv", "xlsx", "pdf"];
const PERCENT = /^\d{1,3}([.,]\d{1,4})?$/;

/** Buttons that download `pathFor(format)`; failures go to the banner, never silently. */
export function downloadButtons(api, pathFor, baseName, formats = FORMATS) {
  return formats.map((format) => {
    const label = format.toUpperCase();
    const button = el("button", {
      type: "button", class: "secondary small", "aria-label": t("download_as", { format: label }),
      dataset: { format },
    }, label);
    button.addEventListener("click", () => {
      busy(button, api.download(pathFor(format), `${baseName}.${format}`)).catch((error) => {
        showBanner(t("action_failed", { message: error.message }));
      });
    });
    return button;
  });
}

/** "English", "Deutsch (Schweiz)": a locale code named in its own language, when it is one. */
function localeName(code) {
  const tag = code.replace("_", "-");
  try {
    return new Intl.DisplayNames([tag], { type: "language" }).of(tag) || code;
  } catch {
    return code;
  }
}

function fillSelectValue(select, value) {
  if (!value) {
    return;
  }
  if (![...select.options].some((option) => option.value === value)) {
    select.append(el("option", { value }, localeName(value)));
  }
  select.value = value;
}

/** Set up the defaults a form shares with the schedule form: zone, locale, durations. */
export function applyFormatDefaults(form, workspace) {
  form.elements.zone.value = workspace.zone;
  fillSelectValue(form.elements.locale, workspace.defaults.locale);
  fillSelectValue(form.elements.durations, workspace.defaults.durations);
}

export function initReport(context) {
  const { api, workspace } = context;
  const form = document.getElementById("report-form");
  const progress = document.getElementById("report-progress");
  const resultBox = document.getElementById("report-result");
  const empty = document.getElementById("report-empty");
  const pickers = filterPickers(form, workspace);
  const weekStart = workspace.defaults.week_start || "MONDAY";
  let controller = null;

  const datalist = document.getElementById("zones");
  if (!datalist.children.length) {
    datalist.append(...zones().map((zone) => el("option", { value: zone })));
  }
  applyFormatDefaults(form, workspace);
  writeGroups(form, ["PROJECT"]);
  const invoiceDefaults = workspace.invoice_defaults;
  form.elements.grouping.value = invoiceDefaults.grouping || "project";
  form.elements.due_days.value = invoiceDefaults.due_days ?? 30;
  form.elements.tax_percent.value = invoiceDefaults.tax_percent ?? "0";
  form.elements.second_tax_percent.value = invoiceDefaults.second_tax_percent ?? "0";
  form.elements.discount_percent.value = invoiceDefaults.discount_percent ?? "0";
  form.elements.notes.value = invoiceDefaults.notes || "";
  // Last month: what invoices usually cover, and never empty on the first days of a month.
  form.elements.preset.value = "last_month";

  function applyPreset() {
    const zone = form.elements.zone.value.trim();
    const range = presetRange(form.elements.preset.value, isZone(zone) ? zone : workspace.zone, weekStart);
    if (range) {
      form.elements.start.value = range.start;
      form.elements.end.value = range.end;
    }
  }

  function showKind() {
    // Groups are a summary's; a detailed report lists entries, an invoice has its own lines.
    const kind = form.elements.kind.value;
    document.getElementById("r-summary-options").hidden = kind !== "summary";
    document.getElementById("r-invoice-options").hidden = kind !== "invoice";
  }

  applyPreset();
  showKind();
  form.elements.preset.addEventListener("change", applyPreset);
  form.elements.zone.addEventListener("change", applyPreset);
  for (const name of ["start", "end"]) {
    form.elements[name].addEventListener("input", () => { form.elements.preset.value = "custom"; });
  }
  for (const radio of form.querySelectorAll('input[name="kind"]')) {
    radio.addEventListener("change", showKind);
  }
  // A result on screen no longer matches a changed form: say so until the next run.
  const markStale = () => {
    if (!resultBox.hidden) {
      resultBox.classList.add("stale");
    }
  };
  form.addEventListener("change", markStale);
  form.addEventListener("pickerchange", markStale);

  function percent(name, field) {
    const raw = form.elements[name].value.trim() || "0";
    if (!PERCENT.test(raw)) {
      fieldError(form, field, t("invalid_number"));
      return null;
    }
    return raw.replace(",", ".");
  }

  /** The POST /api/reports body, or null after marking what is wrong. */
  function readRequest() {
    let ok = true;
    const fail = (field, key) => {
      fieldError(form, field, t(key));
      ok = false;
    };
    const kind = form.elements.kind.value;
    const start = form.elements.start.value;
    const end = form.elements.end.value;
    const zone = form.elements.zone.value.trim();
    if (!start) {
      fail("start", "required");
    }
    if (!end) {
      fail("end", "required");
    }
    if (start && end && start > end) {
      fail("end", "start_after_end");
    }
    if (!isZone(zone)) {
      fail("zone", "invalid_zone");
    }
    const body = {
      kind, start, end, zone,
      filters: readFilters(form, pickers),
      locale: form.elements.locale.value,
      durations: form.elements.durations.value,
      week_start: weekStart,
      refresh: form.elements.refresh.checked,
    };
    if (kind === "summary") {
      body.groups = readGroups(form);
      if (new Set(body.groups).size !== body.groups.length || !body.groups.length) {
        fail("groups", "groups_distinct");
      }
    } else if (kind === "invoice") {
      const dueDays = form.elements.due_days.value.trim();
      if (!/^\d{1,3}$/.test(dueDays)) {
        fail("invoice.due_days", "invalid_whole");
      }
      const taxes = {
        tax_percent: percent("tax_percent", "invoice.tax_percent"),
        second_tax_percent: percent("second_tax_percent", "invoice.second_tax_percent"),
        discount_percent: percent("discount_percent", "invoice.discount_percent"),
      };
      if (Object.values(taxes).includes(null)) {
        ok = false;
      }
      body.invoice = {
        grouping: form.elements.grouping.value,
        due_days: Number(dueDays),
        ...taxes,
        notes: form.elements.notes.value,
        timesheet: form.elements.timesheet.checked,
      };
    }
    if (!ok) {
      form.querySelector("[aria-invalid=true]")?.focus();
      return null;
    }
    return body;
  }

  function totalsList(totals) {
    const formatted = totals.formatted || {};
    const amounts = formatted.amounts && formatted.amounts.length ? formatted.amounts : ["—"];
    const item = (key, name, ...values) => el("div", { class: "total" },
      el("dt", {}, t(name)),
      el("dd", { dataset: { total: key } }, ...values));
    return [
      item("duration", "total_time", formatted.duration ?? ""),
      item("billable_duration", "billable_time", formatted.billable_duration ?? ""),
      item("entries", "entries", count(totals.entries)),
      item("amounts", "amounts", ...amounts.map((amount) => el("span", { class: "amount" }, amount))),
    ];
  }

  /** A button that scrolls to the draft's section of the preview (the server marks it data-key). */
  function previewLink(draft) {
    const button = el("button", { type: "button", class: "link", dataset: { action: "show" } }, t("show_preview"));
    button.addEventListener("click", () => {
      const preview = document.getElementById("report-preview");
      const section = [...preview.querySelectorAll("[data-key]")].find((node) => node.dataset.key === draft.key);
      if (!section) {
        return;
      }
      preview.querySelector(".draft.focused")?.classList.remove("focused");
      section.classList.add("focused");
      section.tabIndex = -1;
      section.scrollIntoView({ block: "start" });
      section.focus({ preventScroll: true });
    });
    return button;
  }

  function draftCard(job, draft) {
    const status = el("p", { class: "draft-status", role: "status" });
    const issue = el("button", { type: "button", class: "primary", dataset: { action: "issue" } }, t("issue"));
    const card = el("article", { class: "card draft-card", dataset: { key: draft.key }, "aria-label": draft.client.name },
      el("div", { class: "draft-head" },
        el("div", {},
          el("h3", { dir: "auto" }, draft.client.name),
          el("p", { class: "muted" }, `${draft.currency} · ${t("n_lines", { n: count(draft.lines) })}`)),
        el("p", { class: "draft-total" }, draft.total_formatted)),
      el("div", { class: "downloads", role: "group", "aria-label": t("download_report") },
        downloadButtons(api, (format) => `/jobs/${encodeURIComponent(job.id)}/download?format=${format}&invoice=${encodeURIComponent(draft.key)}`,
          `invoice-${draft.client.name}`)),
      el("div", { class: "draft-issue" }, issue, previewLink(draft), status));
    const issued = (number, marking) => {
      issue.disabled = true;
      const outcome = marking ? markingSentence(marking) : "";
      const failed = marking?.state === "failed";
      status.textContent = [t("issued_as", { number }), failed ? "" : outcome].filter(Boolean).join(" · ");
      if (failed) {
        // An alert of its own: the number stands, but the admin has something left to do.
        status.after(el("p", { class: "draft-marking", role: "alert" }, outcome));
      }
      card.classList.add("issued");
    };
    if (draft.issued_number) {
      issued(draft.issued_number, null);
    }
    issue.addEventListener("click", async () => {
      const answer = await confirmChoice({
        title: t("confirm_issue_title"),
        text: t("confirm_issue_text", { client: draft.client.name, total: draft.total_formatted }),
        ok: t("issue"),
        option: { label: t("mark_invoiced_option"), checked: invoiceDefaults.mark_invoiced ?? true },
      });
      if (!answer) {
        issue.focus();
        return;
      }
      const body = { job: job.id, invoice: draft.key, mark_invoiced: answer.checked };
      try {
        const invoice = await busy(issue, api.call("POST", "/invoices", body));
        issued(invoice.number, invoice.clockify);
        context.tabs?.invoices.invalidate();
      } catch (error) {
        if (error.status === 409) {
          issue.disabled = true;
          status.textContent = error.message;
          card.classList.add("issued");
        } else {
          showBanner(t("action_failed", { message: error.message }));
        }
      }
    });
    return card;
  }

  function showResult(job) {
    const result = job.result || {};
    const totals = result.totals || { formatted: {} };
    document.getElementById("report-totals").replaceChildren(...totalsList(totals));
    // The server words the check line in the report's language; none for an unchecked report.
    const check = document.getElementById("report-check");
    check.textContent = result.check?.text ?? "";
    check.hidden = !result.check;
    const downloads = document.getElementById("report-downloads");
    const drafts = document.getElementById("invoice-drafts");
    if (job.kind === "invoice") {
      downloads.replaceChildren();
      const invoices = result.invoices || [];
      drafts.replaceChildren(
        el("h2", { class: "drafts-title" }, t("drafts")),
        ...(invoices.length
          ? invoices.map((draft) => draftCard(job, draft))
          : [el("p", { class: "empty card" }, t("no_drafts"))]));
      drafts.hidden = false;
    } else {
      downloads.replaceChildren(...downloadButtons(api,
        (format) => `/jobs/${encodeURIComponent(job.id)}/download?format=${format}`,
        job.kind === "detailed" ? "detailed-report" : "summary-report"));
      drafts.replaceChildren();
      drafts.hidden = true;
    }
    setHtml(document.getElementById("report-preview"), result.html || "");
    resultBox.classList.remove("stale");
    resultBox.hidden = false;
    empty.hidden = true;
  }

  async function run() {
    clearErrors(form);
    clearBanner();
    const body = readRequest();
    if (!body) {
      return;
    }
    controller?.abort(); // a newer run wins: stop polling the older job
    controller = new AbortController();
    const { signal } = controller;
    form.setAttribute("aria-busy", "true");
    resultBox.classList.add("stale");
    progress.className = "progress running";
    progress.textContent = t("stage_queued");
    try {
      const job = await api.call("POST", "/reports", body);
      const done = await pollJob(api, job, {
        signal, onProgress: (current) => { progress.textContent = describeProgress(current); },
      });
      if (signal.aborted) {
        return;
      }
      showResult(done);
      const ready = t("report_done", { entries: count(done.result?.totals?.entries) });
      progress.className = "progress done";
      progress.textContent = done.cached ? `${ready} ${t("from_cache")}` : ready;
    } catch (error) {
      if (error.name === "AbortError" || signal.aborted) {
        return;
      }
      progress.className = "progress failed";
      progress.textContent = "";
      if (error instanceof JobFailed) {
        showBanner(t("report_failed", { message: error.message }));
      } else {
        showError(form, error);
      }
    } finally {
      if (!signal.aborted) {
        form.removeAttribute("aria-busy");
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });

  return { show() {} };
}
