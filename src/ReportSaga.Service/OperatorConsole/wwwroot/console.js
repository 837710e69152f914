// The ReportSaga operator console: plain JavaScript over the operator API, no framework, no build step.
// Every value from the API is put on the page as text (textContent), never as HTML.
"use strict";

const STATES = ["Validating", "Queued", "Submitting", "Waiting", "Retrying", "Completed", "Failed"];
const FINISHED = new Set(["Completed", "Failed"]);
const $ = (id) => document.getElementById(id);

let nextCursor = null;
let selectedId = null;
let timelineTimer = null;

function headers() {
  const key = sessionStorage.getItem("reportsaga-api-key");
  return key ? { "X-Api-Key": key } : {};
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers(), ...(options.headers || {}) } });
  if (response.status === 401) throw new Error("The service asks for an API key (Http__ApiKeys): type one in at the top right.");
  if (response.status === 429) throw new Error("Rate limited: trying again shortly.");
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error(body?.error || `${response.status} ${response.statusText}`);
  return body;
}

function show(text) {
  const message = $("message");
  message.textContent = text || "";
  message.hidden = !text;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function utc(value) {
  return value ? new Date(value).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}

function confirmAction(text) {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}

// ---- counts and gate ----
async function refreshOverview() {
  try {
    const [counts, gate] = await Promise.all([api("/reports/counts"), api("/gate")]);
    const cards = $("counts");
    cards.replaceChildren();
    for (const state of STATES) {
      const card = el("div", null, "card");
      card.dataset.state = state;
      card.append(el("div", counts.states[state] ?? 0, "n"), el("div", state, "label"));
      cards.append(card);
    }
    const total = el("div", null, "card");
    total.dataset.state = "total";
    total.append(el("div", counts.total, "n"), el("div", "all", "label"));
    cards.append(total);
    $("gate").textContent = `Submission gate: ${gate.inFlight} of ${gate.maxInFlight} in flight, ${gate.waiting} waiting` +
      (gate.oldestWaitingSince ? `, oldest waiting since ${utc(gate.oldestWaitingSince)}` : "");
    show("");
  } catch (error) {
    show(error.message);
  }
}

// ---- list ----
function filterQuery() {
  const params = new URLSearchParams();
  const add = (name, value) => { if (value) params.set(name, value); };
  add("q", $("search").value.trim());
  add("state", $("filter-state").value);
  add("requestedBy", $("filter-requested-by").value.trim());
  add("failureReason", $("filter-reason").value);
  // The inputs are read as UTC, like every time on the page.
  add("createdAfter", $("filter-after").value && $("filter-after").value + ":00Z");
  add("createdBefore", $("filter-before").value && $("filter-before").value + ":00Z");
  return params;
}

async function loadReports(append) {
  const params = filterQuery();
  if (append && nextCursor) params.set("after", nextCursor);
  try {
    const page = await api("/reports?" + params.toString());
    const body = $("report-list").querySelector("tbody");
    if (!append) body.replaceChildren();
    for (const report of page.reports) body.append(reportRow(report));
    nextCursor = page.next;
    $("more").hidden = !nextCursor;
    if (!append && page.reports.length === 0) {
      const row = el("tr");
      const cell = el("td", "No report matches.");
      cell.colSpan = 7;
      row.append(cell);
      body.append(row);
    }
  } catch (error) {
    show(error.message);
  }
}

function reportRow(report) {
  const row = el("tr");
  row.dataset.requestId = report.requestId;
  if (report.requestId === selectedId) row.classList.add("selected");
  row.append(
    el("td", report.requestId, "id"),
    el("td", report.state, "state-" + report.state),
    el("td", report.requestedBy ?? ""),
    el("td", report.reportId ?? "", "id"),
    el("td", report.providerStatus ?? ""),
    el("td", report.failureReason ?? ""),
    el("td", utc(report.createdAt)));
  row.addEventListener("click", () => openTimeline(report.requestId));
  return row;
}

// ---- timeline ----
async function openTimeline(requestId) {
  selectedId = requestId;
  // A link to this view: /#report=<request id>.
  history.replaceState(null, "", "#report=" + encodeURIComponent(requestId));
  for (const row of document.querySelectorAll("#report-list tbody tr"))
    row.classList.toggle("selected", row.dataset.requestId === requestId);
  clearTimeout(timelineTimer);
  await refreshTimeline();
}

async function refreshTimeline() {
  if (!selectedId) return;
  const requestId = selectedId;
  try {
    const { report, traceUrl } = await api(`/reports/${requestId}/details`);
    if (requestId !== selectedId) return;
    renderTimeline(report, traceUrl);
    // An unfinished report is followed live; a finished one no longer changes.
    if (!FINISHED.has(report.state)) timelineTimer = setTimeout(refreshTimeline, 1000);
  } catch (error) {
    show(error.message);
  }
}

function renderTimeline(report, traceUrl) {
  $("timeline").hidden = false;
  $("timeline-id").textContent = report.requestId;
  const facts = $("timeline-facts");
  facts.replaceChildren();
  const fact = (name, value, className) => {
    if (value === null || value === undefined || value === "") return;
    const dd = el("dd", value, className);
    dd.dataset.fact = name;
    facts.append(el("dt", name), dd);
  };
  fact("state", report.state, "state-" + report.state);
  fact("requested by", report.requestedBy);
  fact("provider report", report.reportId);
  fact("provider status", report.providerStatus);
  fact("credits", report.estimatedCredits !== null ? `estimated ${report.estimatedCredits}` + (report.usedQuota !== null ? `, used ${report.usedQuota}` : "") : "");
  fact("max credits", report.maxCredits);
  fact("failure", report.failureReason ? `${report.failureReason}: ${report.failureErrors.join(" ")}` : "");
  fact("download", report.downloadUrl);
  fact("polls / retries", `${report.pollCount} / ${report.retryAttempts}`);
  fact("created", utc(report.createdAt));
  fact("updated", utc(report.updatedAt));

  const link = $("trace-link");
  link.hidden = !traceUrl;
  if (traceUrl) link.href = traceUrl;
  $("trace-id").textContent = report.traceId ? ` trace ${report.traceId}` : " no trace recorded";

  const cancel = $("cancel-report");
  cancel.hidden = FINISHED.has(report.state);

  const entries = $("timeline-entries");
  entries.replaceChildren();
  for (const entry of report.history) {
    const item = el("li");
    item.dataset.event = entry.event;
    const head = el("div");
    head.append(el("span", utc(entry.at), "when"), " ");
    head.append(el("span", entry.fromState === entry.toState ? entry.toState : `${entry.fromState} → ${entry.toState}`, "transition"));
    if (entry.call) head.append(" ", el("span", entry.call, "call"));
    item.append(head, el("div", entry.outcome, "outcome"));
    if (entry.providerStatus) item.append(el("div", `provider status: ${entry.providerStatus}`, "when"));
    entries.append(item);
  }
}

async function cancelSelected() {
  const requestId = selectedId;
  if (!requestId || !(await confirmAction(`Cancel report ${requestId}? It ends as failed (cancelled). A report already submitted may still be charged: the provider has no cancel.`)))
    return;
  try {
    await api(`/reports/${requestId}/cancel`, { method: "POST" });
    show(`Cancel sent for ${requestId}.`);
    clearTimeout(timelineTimer);
    await refreshTimeline();
  } catch (error) {
    show(error.message);
  }
}

// ---- error queues ----
async function refreshErrors() {
  try {
    const result = await api("/errors");
    $("errors-unavailable").hidden = result.available;
    $("errors-unavailable").textContent = result.unavailable ?? "";
    const container = $("error-queues");
    container.replaceChildren();
    for (const queue of result.queues) container.append(errorQueue(queue));
    if (result.available && result.queues.every((q) => q.depth === 0))
      container.append(el("p", "No message in any error queue."));
  } catch (error) {
    show(error.message);
  }
}

function errorQueue(queue) {
  const box = el("div", null, "queue");
  box.dataset.queue = queue.queue;
  const title = el("h3", `${queue.queue} (${queue.depth}) → ${queue.sourceQueue}`);
  box.append(title);
  if (queue.depth === 0) return box;
  const all = el("button", `Redrive all ${queue.depth}`, "danger redrive-all");
  all.type = "button";
  all.addEventListener("click", () => redrive(queue.queue, null, `Move all ${queue.depth} message(s) of ${queue.queue} back to ${queue.sourceQueue}?`));
  box.append(all);
  const table = el("table");
  const head = el("tr");
  for (const name of ["message id", "type", "fault", "when", ""]) head.append(el("th", name));
  table.append(head);
  for (const message of queue.messages) {
    const row = el("tr");
    row.dataset.messageId = message.messageId ?? "";
    const button = el("button", "Redrive", "redrive-one");
    button.type = "button";
    button.disabled = !message.messageId;
    button.addEventListener("click", () => redrive(queue.queue, message.messageId, `Move message ${message.messageId} back to ${queue.sourceQueue}?`));
    const action = el("td");
    action.append(button);
    row.append(el("td", message.messageId ?? "", "id"), el("td", message.messageType ?? ""),
      el("td", [message.exceptionType, message.faultReason].filter(Boolean).join(": "), "fault"), el("td", message.faultedAt ?? ""), action);
    table.append(row);
  }
  box.append(table);
  return box;
}

async function redrive(queue, messageId, question) {
  if (!(await confirmAction(question))) return;
  const path = messageId
    ? `/errors/${encodeURIComponent(queue)}/messages/${encodeURIComponent(messageId)}/redrive`
    : `/errors/${encodeURIComponent(queue)}/redrive`;
  try {
    const result = await api(path, { method: "POST" });
    show(`Moved ${result.moved} message(s) from ${result.queue}; ${result.remaining} left.`);
  } catch (error) {
    show(error.message);
  }
  await refreshErrors();
}

// ---- start ----
document.addEventListener("DOMContentLoaded", () => {
  const key = $("api-key");
  key.value = sessionStorage.getItem("reportsaga-api-key") ?? "";
  key.addEventListener("change", () => {
    sessionStorage.setItem("reportsaga-api-key", key.value.trim());
    refreshOverview(); loadReports(false); refreshErrors();
  });
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); loadReports(false); });
  $("more").addEventListener("click", () => loadReports(true));
  $("cancel-report").addEventListener("click", cancelSelected);
  refreshOverview();
  loadReports(false);
  refreshErrors();
  const linked = /^#report=([0-9a-fA-F-]{36})$/.exec(location.hash);
  if (linked) openTimeline(linked[1]);
  setInterval(refreshOverview, 2000);
  setInterval(refreshErrors, 5000);
});
