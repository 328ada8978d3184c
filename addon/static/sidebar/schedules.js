// The Schedules tab: saved report emails (list, create, edit, pause, resume, delete), a
// preview of the next send times, "Send test email now" and the delivery log with resend.
// The server validates every field (addon/delivery/spec.py) and names the one it refuses;
// the checks here only catch the obvious before a round trip.

import { addresses, busy, clearBanner, clearErrors, confirmAction, el, EMAIL, fieldError, showBanner, showError } from "./dom.js";
import { clock, count, day, moment } from "./format.js";
import { language, t } from "./i18n.js";
import { describeProgress, JobFailed, pollJob } from "./jobs.js";
import { filterPickers, readFilters, readGroups, writeFilters, writeGroups } from "./picker.js";
import { isZone, WEEK_ORDER, weekdayNames } from "./dates.js";
import { applyFormatDefaults } from "./report.js";

const NEXT_COUNT = 5;

export function initSchedules(context) {
  const { api, workspace } = context;
  const form = document.getElementById("schedule-form");
  const listStatus = document.getElementById("schedules-status");
  const table = document.getElementById("schedules-table");
  const rows = document.getElementById("schedules");
  const listProgress = document.getElementById("test-progress");
  const formProgress = document.getElementById("s-test-progress");
  const nextBox = document.getElementById("s-next");
  const pickers = filterPickers(form, workspace);
  const days = weekdayNames(language);
  let schedules = [];
  let editing = null; // the schedule being edited, or null for a new one
  let loaded = false;
  let testController = null;

  form.elements.weekday.append(...WEEK_ORDER.map((name) => el("option", { value: name }, days[name])));
  form.elements.week_start.append(...WEEK_ORDER.map((name) => el("option", { value: name }, days[name])));
  form.elements.day_of_month.append(
    ...Array.from({ length: 31 }, (_, i) => el("option", { value: String(i + 1) }, String(i + 1))),
    el("option", { value: "0" }, t("last_day")));

  // ------------------------------------------------------------------------------ the list

  function cadenceText(schedule) {
    const time = clock(schedule.hour, schedule.minute);
    if (schedule.frequency === "WEEKLY") {
      return t("cadence_WEEKLY", { weekday: days[schedule.weekday] || schedule.weekday, time });
    }
    if (schedule.frequency === "MONTHLY") {
      return schedule.day_of_month === 0
        ? t("cadence_MONTHLY_LAST", { time })
        : t("cadence_MONTHLY", { day: schedule.day_of_month, time });
    }
    return t("cadence_DAILY", { time });
  }

  function actionButton(key, handler, extra = {}) {
    const button = el("button", { type: "button", class: "secondary small", dataset: { action: key }, ...extra }, t(key));
    button.addEventListener("click", () => handler(button));
    return button;
  }

  function row(schedule) {
    const kinds = [t(`kind_${schedule.kind || "summary"}`),
      ...(schedule.formats || []).map((format) => format.toUpperCase())].join(" · ");
    const label = { "aria-describedby": `schedule-name-${schedule.id}` };
    return el("tr", { dataset: { id: String(schedule.id) }, class: schedule.paused ? "paused" : "" },
      el("th", { scope: "row" },
        el("span", { class: "row-title", id: `schedule-name-${schedule.id}`, dir: "auto" }, schedule.name),
        el("span", { class: "muted row-sub" }, kinds)),
      el("td", {}, cadenceText(schedule), el("span", { class: "muted row-sub" }, schedule.zone)),
      el("td", {}, schedule.paused ? "—" : moment(schedule.next_send, schedule.zone)),
      el("td", {}, el("span", { class: `badge ${schedule.paused ? "badge-muted" : "badge-ok"}` },
        t(schedule.paused ? "paused" : "active"))),
      el("td", {}, el("div", { class: "row-actions" },
        actionButton("edit", () => edit(schedule.id), label),
        actionButton(schedule.paused ? "resume" : "pause", (button) => togglePause(schedule, button), label),
        actionButton("test", (button) => sendTest(schedule, button, listProgress), label),
        actionButton("delete", (button) => remove(schedule, button), { ...label, class: "danger small" }))));
  }

  async function load() {
    const card = document.getElementById("schedules-card");
    card.setAttribute("aria-busy", "true");
    listStatus.hidden = false;
    listStatus.textContent = t("loading");
    try {
      const data = await api.call("GET", "/schedules");
      schedules = data.schedules || [];
      loaded = true;
      rows.replaceChildren(...schedules.map(row));
      table.hidden = schedules.length === 0;
      listStatus.textContent = schedules.length ? "" : t("schedules_empty");
      listStatus.hidden = schedules.length > 0;
    } catch (error) {
      listStatus.textContent = t("load_failed", { message: error.message });
    } finally {
      card.setAttribute("aria-busy", "false");
    }
    loadDeliveries();
  }

  async function togglePause(schedule, button) {
    const action = schedule.paused ? "resume" : "pause";
    try {
      await busy(button, api.call("POST", `/schedules/${schedule.id}/${action}`, {}));
      showBanner(t(schedule.paused ? "resumed_msg" : "paused_msg", { name: schedule.name }), "success");
      await load();
    } catch (error) {
      showBanner(t("action_failed", { message: error.message }));
    }
  }

  async function remove(schedule, button) {
    const confirmed = await confirmAction({
      title: t("confirm_delete_title"),
      text: t("confirm_delete_text", { name: schedule.name }),
      ok: t("delete"),
    });
    if (!confirmed) {
      button.focus();
      return;
    }
    try {
      await busy(button, api.call("DELETE", `/schedules/${schedule.id}`));
      if (editing?.id === schedule.id) {
        closeForm();
      }
      showBanner(t("deleted", { name: schedule.name }), "success");
      await load();
    } catch (error) {
      showBanner(t("action_failed", { message: error.message }));
    }
  }

  async function sendTest(schedule, button, output) {
    testController?.abort();
    testController = new AbortController();
    const { signal } = testController;
    output.className = "progress running";
    output.textContent = t("stage_queued");
    try {
      const job = await busy(button, api.call("POST", `/schedules/${schedule.id}/test`, {}));
      const done = await pollJob(api, job, {
        signal, onProgress: (current) => { output.textContent = describeProgress(current); },
      });
      const result = done.result || {};
      const attached = (result.attachments || []).join(", ") || t("test_none");
      output.className = "progress done";
      output.textContent = t("test_sent", { n: count(result.recipients), subject: result.subject || "", attachments: attached });
      loadDeliveries();
    } catch (error) {
      if (error.name === "AbortError") {
        return;
      }
      output.className = "progress failed";
      // A failed job's message already says what happened ("The test email was not sent: …").
      output.textContent = error instanceof JobFailed ? error.message : t("test_failed", { message: error.message });
      if (!(error instanceof JobFailed)) {
        showBanner(output.textContent);
      }
    }
  }

  // ------------------------------------------------------------------------------ the form

  function showCadence() {
    const frequency = form.elements.frequency.value;
    document.getElementById("s-weekday-field").hidden = frequency !== "WEEKLY";
    document.getElementById("s-day-field").hidden = frequency !== "MONTHLY";
  }

  function showKind() {
    document.getElementById("s-summary-options").hidden = form.elements.kind.value !== "summary";
    document.getElementById("s-timesheet-field").hidden = form.elements.kind.value !== "invoice";
  }

  function fill(schedule) {
    const given = schedule || {};
    form.elements.name.value = given.name || "";
    form.elements.kind.value = given.kind || "summary";
    writeFilters(form, pickers, given.filters);
    writeGroups(form, given.groups && given.groups.length ? given.groups : ["PROJECT"]);
    const formats = new Set(given.formats || ["csv", "pdf"]);
    for (const box of form.querySelectorAll('input[name="formats"]')) {
      box.checked = formats.has(box.value);
    }
    form.elements.frequency.value = given.frequency || "WEEKLY";
    form.elements.weekday.value = given.weekday || "MONDAY";
    form.elements.day_of_month.value = String(given.day_of_month ?? 1);
    const pad = (n) => String(n ?? 0).padStart(2, "0");
    form.elements.time.value = `${pad(given.hour ?? 8)}:${pad(given.minute ?? 0)}`;
    applyFormatDefaults(form, workspace);
    if (given.zone) {
      form.elements.zone.value = given.zone;
    }
    if (given.locale) {
      form.elements.locale.value = given.locale;
    }
    if (given.durations) {
      form.elements.durations.value = given.durations;
    }
    form.elements.coverage.value = given.coverage || "PREVIOUS_WEEK";
    form.elements.week_start.value = given.week_start || workspace.defaults.week_start || "MONDAY";
    const recipients = given.recipients || {};
    form.elements.to.value = (recipients.to || []).join(", ");
    form.elements.cc.value = (recipients.cc || []).join(", ");
    form.elements.bcc.value = (recipients.bcc || []).join(", ");
    form.elements.subject_template.value = given.subject_template ?? "{name}: {period}";
    form.elements.body_template.value = given.body_template ?? "{name} for {period} is attached.";
    form.elements.skip_when_empty.checked = Boolean(given.skip_when_empty);
    form.elements.timesheet.checked = Boolean(given.timesheet);
    showCadence();
    showKind();
  }

  function openForm(schedule) {
    editing = schedule;
    clearErrors(form);
    clearBanner();
    fill(schedule);
    nextBox.replaceChildren();
    formProgress.textContent = "";
    document.getElementById("schedule-form-title").textContent = t(schedule ? "edit_schedule" : "new_schedule");
    document.getElementById("schedule-test").hidden = !schedule;
    form.hidden = false;
    form.scrollIntoView({ block: "start" });
    form.elements.name.focus();
  }

  function closeForm() {
    form.hidden = true;
    editing = null;
    document.getElementById("schedule-new").focus();
  }

  async function edit(id) {
    try {
      openForm(await api.call("GET", `/schedules/${id}`));
    } catch (error) {
      showBanner(t("load_failed", { message: error.message }));
    }
  }

  /** The schedule spec of the form (the API's JSON), or null after marking what is wrong. */
  function readSpec() {
    let ok = true;
    const fail = (field, message) => {
      fieldError(form, field, message);
      ok = false;
    };
    const name = form.elements.name.value.trim();
    if (!name) {
      fail("name", t("required"));
    }
    const zone = form.elements.zone.value.trim();
    if (!isZone(zone)) {
      fail("zone", t("invalid_zone"));
    }
    const [hour, minute] = (form.elements.time.value || "").split(":").map(Number);
    if (!Number.isInteger(hour) || !Number.isInteger(minute)) {
      fail("hour", t("required"));
    }
    const recipients = {};
    for (const part of ["to", "cc", "bcc"]) {
      recipients[part] = addresses(form.elements[part].value);
      const wrong = recipients[part].find((address) => !EMAIL.test(address));
      if (wrong) {
        fail(part === "to" ? "recipients" : `recipients.${part}`, t("invalid_email", { value: wrong }));
      }
    }
    if (!recipients.to.length && !recipients.cc.length && !recipients.bcc.length) {
      fail("recipients", t("need_recipient"));
    }
    const kind = form.elements.kind.value;
    const groups = kind === "summary" ? readGroups(form) : [];
    if (new Set(groups).size !== groups.length || (kind === "summary" && !groups.length)) {
      fail("groups", t("groups_distinct"));
    }
    const frequency = form.elements.frequency.value;
    const spec = {
      name,
      kind,
      filters: readFilters(form, pickers),
      groups,
      formats: [...form.querySelectorAll('input[name="formats"]:checked')].map((box) => box.value),
      locale: form.elements.locale.value,
      durations: form.elements.durations.value,
      frequency,
      hour,
      minute,
      zone,
      coverage: form.elements.coverage.value,
      week_start: form.elements.week_start.value,
      recipients,
      subject_template: form.elements.subject_template.value,
      body_template: form.elements.body_template.value,
      skip_when_empty: form.elements.skip_when_empty.checked,
      timesheet: kind === "invoice" && form.elements.timesheet.checked,
    };
    if (frequency === "WEEKLY") {
      spec.weekday = form.elements.weekday.value;
    }
    if (frequency === "MONTHLY") {
      spec.day_of_month = Number(form.elements.day_of_month.value);
    }
    if (!ok) {
      form.querySelector("[aria-invalid=true]")?.focus();
      return null;
    }
    return spec;
  }

  async function save(button) {
    clearErrors(form);
    clearBanner();
    const spec = readSpec();
    if (!spec) {
      return;
    }
    try {
      const saved = await busy(button, editing
        ? api.call("PUT", `/schedules/${editing.id}`, spec)
        : api.call("POST", "/schedules", spec));
      closeForm();
      showBanner(t("saved", { name: saved.name }), "success");
      await load();
    } catch (error) {
      showError(form, error);
    }
  }

  async function previewNext(button) {
    clearErrors(form);
    const spec = readSpec();
    if (!spec) {
      return;
    }
    nextBox.replaceChildren(el("p", { class: "muted" }, t("loading")));
    try {
      let data;
      try {
        data = await busy(button, api.call("POST", "/schedules/next", spec));
      } catch (error) {
        // Before POST /schedules/next existed only saved schedules had a preview.
        if (!editing || ![404, 405].includes(error.status)) {
          throw error;
        }
        data = await api.call("GET", `/schedules/${editing.id}/next?count=${NEXT_COUNT}`);
      }
      const zone = data.zone || spec.zone;
      nextBox.replaceChildren(
        el("p", { class: "next-title" }, t("next_sends", { zone })),
        el("ol", { class: "next-list" }, ...(data.next || []).slice(0, NEXT_COUNT).map((next) =>
          el("li", {}, el("time", { datetime: next.at }, moment(next.at, zone))))));
    } catch (error) {
      nextBox.replaceChildren();
      showError(form, error);
    }
  }

  // ------------------------------------------------------------------------- delivery log

  const deliveriesStatus = document.getElementById("deliveries-status");
  const deliveriesTable = document.getElementById("deliveries-table");
  const deliveryRows = document.getElementById("deliveries");

  function deliveryRow(run) {
    const schedule = schedules.find((item) => item.id === run.schedule_id);
    const badge = { sent: "badge-ok", failed: "badge-error", skipped: "badge-muted" }[run.state] || "badge-info";
    const cells = [
      el("td", { dir: "auto" }, schedule ? schedule.name : t("deleted_schedule")),
      el("td", {}, day(run.due)),
      el("td", {}, el("span", { class: `badge ${badge}` }, t(`state_${run.state}`))),
      el("td", { class: "num" }, count(run.attempts)),
      el("td", { class: "error-text" }, run.last_error || ""),
    ];
    const action = el("td", {});
    if (run.state === "failed") {
      const button = el("button", { type: "button", class: "secondary small", dataset: { action: "resend" } }, t("resend"));
      button.addEventListener("click", async () => {
        try {
          const updated = await busy(button, api.call("POST", `/deliveries/${run.id}/resend`, {}));
          tr.replaceWith(deliveryRow(updated));
          showBanner(t("resent"), "success");
        } catch (error) {
          showBanner(t("action_failed", { message: error.message }));
        }
      });
      action.append(button);
    }
    const tr = el("tr", { dataset: { id: String(run.id), state: run.state } }, ...cells, action);
    return tr;
  }

  async function loadDeliveries() {
    const card = document.getElementById("deliveries-card");
    card.setAttribute("aria-busy", "true");
    deliveriesStatus.hidden = false;
    deliveriesStatus.textContent = t("loading");
    try {
      const data = await api.call("GET", "/deliveries?limit=50");
      const runs = data.deliveries || [];
      deliveryRows.replaceChildren(...runs.map(deliveryRow));
      deliveriesTable.hidden = runs.length === 0;
      deliveriesStatus.textContent = runs.length ? "" : t("deliveries_empty");
      deliveriesStatus.hidden = runs.length > 0;
    } catch (error) {
      deliveriesStatus.textContent = t("load_failed", { message: error.message });
    } finally {
      card.setAttribute("aria-busy", "false");
    }
  }

  // ------------------------------------------------------------------------------- wiring

  form.elements.frequency.addEventListener("change", showCadence);
  for (const radio of form.querySelectorAll('input[name="kind"]')) {
    radio.addEventListener("change", showKind);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(document.getElementById("schedule-save"));
  });
  document.getElementById("schedule-new").addEventListener("click", () => openForm(null));
  document.getElementById("schedule-cancel").addEventListener("click", closeForm);
  document.getElementById("schedule-preview").addEventListener("click", (event) => previewNext(event.currentTarget));
  document.getElementById("schedule-test").addEventListener("click", (event) => {
    if (editing) {
      sendTest(editing, event.currentTarget, formProgress);
    }
  });
  document.getElementById("deliveries-reload").addEventListener("click", loadDeliveries);

  return {
    show() {
      if (!loaded) {
        load();
      }
    },
  };
}
