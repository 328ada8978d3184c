// Background jobs (reports, test emails): poll GET /api/jobs/<id> about twice a second until
// the job is done or failed. A newer run aborts the older poll through its AbortSignal, so a
// slow first report can never overwrite the result of a second one.

import { has, t } from "./i18n.js";
import { count } from "./format.js";

export const POLL_MS = 500;

export class JobFailed extends Error {
  constructor(job) {
    super(job.error?.message || job.error?.error || "failed");
    this.code = job.error?.error;
    this.job = job;
  }
}

const wait = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => {
    clearTimeout(timer);
    reject(new DOMException("superseded", "AbortError"));
  }, { once: true });
});

/** Resolve with the finished job; `onProgress(job)` is called on every answer. */
export async function pollJob(api, job, { onProgress, signal } = {}) {
  let current = job;
  for (;;) {
    if (signal?.aborted) {
      throw new DOMException("superseded", "AbortError");
    }
    onProgress?.(current);
    if (current.state === "done") {
      return current;
    }
    if (current.state === "failed") {
      throw new JobFailed(current);
    }
    await wait(POLL_MS, signal);
    current = await api.call("GET", `/jobs/${encodeURIComponent(current.id)}`);
  }
}

/** "Fetching time entries: 1,200 so far (2 pages)…" for a job's progress. */
export function describeProgress(job) {
  const progress = job.progress || {};
  const stage = job.state === "queued" ? "queued" : (progress.stage || "queued");
  const key = has(`stage_${stage}`) ? `stage_${stage}` : "stage_working"; // stages may grow
  return t(key, { entries: count(progress.entries), pages: count(progress.pages) });
}
