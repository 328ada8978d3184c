// Calendar dates for the period presets, computed in a time zone (the user's, or the browser's).
// Dates are plain calendar days held as UTC midnights, so adding days never meets a DST change.

const WEEKDAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];
export const WEEK_ORDER = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function isZone(zone) {
  if (!zone) {
    return false;
  }
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function zones() {
  return typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
}

/** Today's calendar date in `zone`. */
export function today(zone, now = new Date()) {
  const parts = {};
  for (const part of new Intl.DateTimeFormat("en-US", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(now)) {
    parts[part.type] = part.value;
  }
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)));
}

const addDays = (day, n) => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + n));
export const iso = (day) => day.toISOString().slice(0, 10);

/** `{start, end}` (ISO dates, inclusive) of a preset, or null for "custom". */
export function presetRange(preset, zone, weekStart = "MONDAY", now = new Date()) {
  const day = today(zone, now);
  const y = day.getUTCFullYear();
  const m = day.getUTCMonth();
  const first = WEEKDAYS.indexOf(weekStart) < 0 ? 1 : WEEKDAYS.indexOf(weekStart);
  const weekStartDay = addDays(day, -((day.getUTCDay() - first + 7) % 7));
  switch (preset) {
    case "this_week":
      return { start: iso(weekStartDay), end: iso(addDays(weekStartDay, 6)) };
    case "last_week":
      return { start: iso(addDays(weekStartDay, -7)), end: iso(addDays(weekStartDay, -1)) };
    case "this_month":
      return { start: iso(new Date(Date.UTC(y, m, 1))), end: iso(new Date(Date.UTC(y, m + 1, 0))) };
    case "last_month":
      return { start: iso(new Date(Date.UTC(y, m - 1, 1))), end: iso(new Date(Date.UTC(y, m, 0))) };
    case "this_year":
      return { start: iso(new Date(Date.UTC(y, 0, 1))), end: iso(new Date(Date.UTC(y, 11, 31))) };
    default:
      return null;
  }
}

/** Weekday names in `language`, keyed MONDAY..SUNDAY (from a known week: 2024-01-01 was a Monday). */
export function weekdayNames(language) {
  const format = new Intl.DateTimeFormat(language, { weekday: "long", timeZone: "UTC" });
  return Object.fromEntries(WEEK_ORDER.map((name, i) => [name, format.format(new Date(Date.UTC(2024, 0, 1 + i)))]));
}
