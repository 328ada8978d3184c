// Dates, times and counts shown by the page itself, in the workspace's report locale
// ("en_US", "de_DE", ...). Report figures are never formatted here: the server sends them
// formatted, so the page shows exactly what the files say.

let tag = "en-US";

export function setLocale(locale) {
  const candidate = String(locale || "en_US").replace("_", "-");
  try {
    tag = Intl.getCanonicalLocales(candidate)[0] || "en-US";
  } catch {
    tag = "en-US";
  }
}

export const count = (n) => new Intl.NumberFormat(tag).format(n ?? 0);

/** "2025-05-04" as the locale's medium date (a calendar date: no zone shift). */
export function day(isoDate) {
  if (!isoDate) {
    return "";
  }
  const [y, m, d] = isoDate.slice(0, 10).split("-").map(Number);
  return new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An ISO instant as local date and time in `zone` (default: as written, else the browser's). */
export function moment(isoInstant, zone) {
  if (!isoInstant) {
    return "";
  }
  const options = { dateStyle: "medium", timeStyle: "short" };
  if (zone) {
    options.timeZone = zone;
  }
  try {
    return new Intl.DateTimeFormat(tag, options).format(new Date(isoInstant));
  } catch {
    return isoInstant;
  }
}

/** "08:30" in the locale's style ("8:30 AM", "08:30"). */
export function clock(hour, minute) {
  return new Intl.DateTimeFormat(tag, { hour: "numeric", minute: "2-digit", timeZone: "UTC" })
    .format(new Date(Date.UTC(2024, 0, 1, hour, minute)));
}
