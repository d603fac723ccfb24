// wl-hook inspector: the rows are the lines `listen --json` prints, streamed by Server-Sent
// Events; details and actions come from the same origin's JSON API. Network text is only ever
// set as textContent, never as HTML.
"use strict";

const LIMIT = 1000;
const items = []; // oldest first
const bySeq = new Map();
let selected = null;
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function call(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json", "x-wl-hook-inspector": "1" },
    body: JSON.stringify(body),
  };
  const resp = await fetch(path, opts);
  const text = await resp.text();
  if (!resp.ok) throw new Error(text.trim() || resp.statusText);
  return text;
}

function verdict(line) {
  if (line.type === "rejected") return { key: "refused", text: "refused", cls: "bad", reason: line.reason };
  switch (line.signature) {
    case "valid":
      return line.signature_detail
        ? { key: "valid", text: "valid (non-canonical)", cls: "warn", reason: line.signature_detail }
        : { key: "valid", text: "valid", cls: "ok", reason: "" };
    case "invalid":
      return { key: "invalid", text: "invalid", cls: "bad", reason: line.signature_detail || line.note };
    case "missing":
      return { key: "missing", text: "no signature", cls: "bad", reason: line.note };
    default:
      return { key: "unchecked", text: "unchecked", cls: "muted", reason: line.status >= 400 ? line.note : "" };
  }
}

function bodyText(line) {
  if (line.body !== null && line.body !== undefined) return JSON.stringify(line.body);
  return line.body_text || "";
}

function statusClass(s) {
  return s === 200 || s === 201 ? "ok" : "bad";
}

function row(item) {
  const line = item.line;
  const tr = document.createElement("tr");
  tr.tabIndex = -1;
  tr.setAttribute("aria-selected", "false");
  const v = verdict(line);
  tr.append(el("td", line.seq !== undefined ? "#" + line.seq : "–"));
  tr.append(el("td", (line.time || "").slice(11, 23)));
  tr.append(el("td", line.type === "rejected" ? "(refused connection)" : line.event || "(no x-topic)"));
  const vc = el("td");
  vc.append(el("span", v.text, v.cls));
  if (v.reason && v.cls !== "ok") vc.append(el("span", v.reason, "reason"));
  tr.append(vc);
  const status = line.status === null || line.status === undefined ? "no answer" : line.status;
  tr.append(el("td", status, typeof status === "number" ? statusClass(status) : "muted"));
  const marks = [];
  if (line.duplicate_of) marks.push("duplicate of #" + line.duplicate_of);
  if (line.stale) marks.push("stale");
  tr.append(el("td", marks.join(", "), marks.length ? "warn" : ""));
  const f = line.forwarded;
  tr.append(el("td", f ? (f.status !== null ? f.status : "failed") + " in " + f.latency_ms.toFixed(1) + " ms" : ""));
  if (line.seq !== undefined) {
    tr.dataset.seq = line.seq;
    tr.addEventListener("click", () => select(line.seq));
  }
  return tr;
}

function matches(item) {
  const line = item.line;
  const ev = $("f-event").value;
  if (ev && line.event !== ev) return false;
  const vd = $("f-verdict").value;
  if (vd && verdict(line).key !== vd) return false;
  const st = $("f-status").value;
  if (st && !(typeof line.status === "number" && String(line.status)[0] === st[0])) return false;
  const q = $("f-search").value.trim().toLowerCase();
  if (q && !item.search.includes(q)) return false;
  return true;
}

function refilter() {
  let shown = 0;
  for (const item of items) {
    item.tr.hidden = !matches(item);
    if (!item.tr.hidden) shown++;
  }
  counts(shown);
  rove();
}

// One row is in the tab order (the selected one, else the newest shown); arrows move from it.
function rove(to) {
  const rows = visibleRows();
  const target = to || rows.find((tr) => tr.getAttribute("aria-selected") === "true") || rows[0];
  for (const tr of $("rows").children) tr.tabIndex = tr === target ? 0 : -1;
}

function counts(shown) {
  const all = items.length;
  if (shown === undefined) shown = items.filter((i) => !i.tr.hidden).length;
  $("count").textContent = shown === all ? "(" + all + ")" : "(" + shown + " of " + all + " shown)";
  $("empty").hidden = all > 0;
}

function add(line) {
  const item = { line, search: bodyText(line).toLowerCase() };
  item.tr = row(item);
  item.tr.hidden = !matches(item);
  items.push(item);
  if (line.seq !== undefined) bySeq.set(line.seq, item);
  $("rows").prepend(item.tr);
  if (items.length > LIMIT) {
    const old = items.shift();
    old.tr.remove();
    if (old.line.seq !== undefined) bySeq.delete(old.line.seq);
  }
  rove();
  if (line.event && ![...$("f-event").options].some((o) => o.value === line.event)) {
    $("f-event").append(new Option(line.event, line.event));
  }
  counts();
}

function clear() {
  items.length = 0;
  bySeq.clear();
  $("rows").replaceChildren();
  counts();
}

function connect() {
  const es = new EventSource("/api/events");
  es.addEventListener("open", () => {
    clear();
    $("status").textContent = "Live: new requests appear as they arrive.";
  });
  es.addEventListener("request", (e) => add(JSON.parse(e.data)));
  es.addEventListener("rejected", (e) => add(JSON.parse(e.data)));
  es.addEventListener("reset", clear);
  es.addEventListener("error", () => {
    $("status").textContent = "Disconnected from listen; retrying…";
  });
}

function kv(tbody, pairs) {
  tbody.replaceChildren();
  for (const [n, v] of pairs) {
    const tr = document.createElement("tr");
    tr.append(el("td", n), el("td", v));
    tbody.append(tr);
  }
}

function show(v) {
  return v === undefined || v === null ? "—" : JSON.stringify(v);
}

async function select(seq) {
  selected = seq;
  for (const item of items) item.tr.setAttribute("aria-selected", String(item.line.seq === seq));
  rove();
  let d;
  try {
    d = JSON.parse(await call("/api/requests/" + seq));
  } catch (e) {
    $("a-result").textContent = "Cannot show #" + seq + ": " + e.message;
    return;
  }
  if (selected !== seq) return;
  const r = d.request;
  $("detail").hidden = false;
  $("detail-title").textContent = "#" + r.seq + " " + (r.event || "(no x-topic)");
  const v = verdict(r);
  const summary = $("d-summary");
  summary.replaceChildren(
    el("span", v.text, v.cls),
    el("span", " · answered " + r.status + " · " + r.note + " · " + r.method + " " + r.path + " from " + r.remote_addr),
  );
  $("a-download").href = "/api/requests/" + seq + "/capture";
  $("a-result").textContent = "";
  $("a-output").hidden = true;

  const verify = $("d-verify");
  verify.replaceChildren();
  if (d.verify) {
    const ul = el("ul");
    for (const c of d.verify.checks) {
      const cls = { pass: "ok", fail: "bad", warn: "warn", skip: "muted" }[c.status];
      const li = el("li");
      li.append(el("span", c.status, cls), el("span", " " + c.name + ": " + c.detail));
      ul.append(li);
    }
    verify.append(ul);
    if (d.verify.diagnosis.length) {
      verify.append(el("p", "Diagnosis:", "bad"));
      const dl = el("ul");
      for (const t of d.verify.diagnosis) dl.append(el("li", t));
      verify.append(dl);
    }
  } else {
    verify.append(el("p", "Signatures are not checked (--no-verify).", "hint"));
  }

  kv($("d-headers").tBodies[0], d.headers);
  $("d-body-form").textContent = "(" + d.body.form + ", " + d.body.bytes + " bytes)";
  $("d-body").textContent = d.body.text;

  const fwd = d.forwarded;
  $("d-forwarded-box").hidden = !fwd;
  if (fwd) {
    $("d-forwarded").textContent = fwd.url + " answered " + (fwd.status ?? "nothing") +
      " in " + fwd.latency_ms.toFixed(1) + " ms" + (fwd.error ? ": " + fwd.error : "");
    kv($("d-fwd-headers").tBodies[0], fwd.headers);
    $("d-fwd-body").textContent = fwd.body;
  }

  const prev = d.previous;
  $("d-previous-box").hidden = !prev;
  if (prev) {
    const tbody = $("d-diff").tBodies[0];
    tbody.replaceChildren();
    if (prev.changes === null) {
      $("d-previous").textContent = "Record seen before in #" + prev.seq + ", which is no longer held.";
    } else {
      $("d-previous").textContent = prev.changes.length
        ? prev.changes.length + " change(s) since #" + prev.seq + ":"
        : "Same body as #" + prev.seq + ".";
      for (const c of prev.changes) {
        const tr = document.createElement("tr");
        tr.append(el("td", c.path), el("td", show(c.before)), el("td", show(c.after)));
        tbody.append(tr);
      }
    }
  }
}

function target() {
  return { url: $("a-url").value.trim() || null, resign: $("a-resign").checked };
}

function result(text, cls) {
  const r = $("a-result");
  r.replaceChildren(el("span", text, cls));
}

async function resend() {
  if (selected === null) return;
  result("Sending…");
  try {
    const r = JSON.parse(await call("/api/requests/" + selected + "/resend", target()));
    const answer = r.status !== null ? "answered " + r.status : "no answer (" + (r.error ? r.error.detail : "error") + ")";
    result("Resent #" + r.seq + " to " + r.url + ": " + answer + " in " + r.latency_ms.toFixed(1) + " ms" +
      (r.accepted ? " (accepted)" : " (not accepted)"), r.accepted ? "ok" : "bad");
    const out = $("a-output");
    out.hidden = false;
    out.textContent = r.response_headers.map(([n, v]) => n + ": " + v).join("\n") + "\n\n" + r.response_body;
  } catch (e) {
    result("Resend failed: " + e.message, "bad");
  }
}

async function replay() {
  if (selected === null) return;
  result("Replaying…");
  const ask = target();
  ask.schedule = $("a-schedule").value.trim() || null;
  const max = parseInt($("a-max").value, 10);
  ask.max_attempts = Number.isFinite(max) && max > 0 ? max : null;
  try {
    const lines = (await call("/api/requests/" + selected + "/replay", ask)).trim().split("\n").map((l) => JSON.parse(l));
    const out = [];
    let summary = null;
    for (const l of lines) {
      if (l.type === "attempt") {
        out.push("attempt " + l.attempt + " at +" + (l.offset_ms / 1000) + " s (x-sent-at " + l.sent_at + "): " +
          (l.status ?? (l.error ? l.error.class : "no answer")) + (l.accepted ? " accepted" : ""));
      } else if (l.type === "summary") {
        summary = l;
      }
    }
    const o = $("a-output");
    o.hidden = false;
    o.textContent = out.join("\n");
    const ok = summary && summary.delivered > 0;
    result(ok ? "Replay delivered (schedule " + summary.schedule + ")." : "Replay gave up after " + out.length + " attempt(s).", ok ? "ok" : "bad");
  } catch (e) {
    result("Replay failed: " + e.message, "bad");
  }
}

async function curl() {
  if (selected === null) return;
  const t = target();
  const q = new URLSearchParams();
  if (t.url) q.set("url", t.url);
  if (t.resign) q.set("resign", "1");
  try {
    const cmd = await call("/api/requests/" + selected + "/curl?" + q);
    const o = $("a-output");
    o.hidden = false;
    o.textContent = cmd;
    try {
      await navigator.clipboard.writeText(cmd);
      result("Copied the curl command (also shown below).", "ok");
    } catch (_) {
      result("The curl command is below (the clipboard is not available here).");
    }
  } catch (e) {
    result("Copy as curl failed: " + e.message, "bad");
  }
}

function visibleRows() {
  return [...$("rows").children].filter((tr) => !tr.hidden);
}

function keys(e) {
  const tr = e.target.closest("tr");
  if (!tr || !tr.dataset) return;
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    if (tr.dataset.seq) select(Number(tr.dataset.seq));
  } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const rows = visibleRows();
    const i = rows.indexOf(tr) + (e.key === "ArrowDown" ? 1 : -1);
    if (rows[i]) {
      rove(rows[i]);
      rows[i].focus();
    }
  }
}

async function start() {
  try {
    const info = JSON.parse(await call("/api/info"));
    $("listening").textContent = info.listening;
    if (info.forward_to && info.forward_to.length) {
      $("forwarding").hidden = false;
      $("forward-url").textContent = info.forward_to.join(", ");
      // With routes by topic, an empty URL lets each request go where listen relayed it.
      if (info.forward_to.length === 1) $("a-url").value = info.forward_to[0];
    }
    $("limit-note").textContent = "This page holds the last " + info.limit.toLocaleString("en") + " requests; older ones are dropped.";
  } catch (e) {
    $("status").textContent = "Cannot reach listen: " + e.message;
  }
  for (const id of ["f-event", "f-verdict", "f-status"]) $(id).addEventListener("change", refilter);
  $("f-search").addEventListener("input", refilter);
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  $("rows").addEventListener("keydown", keys);
  $("a-resend").addEventListener("click", resend);
  $("a-replay").addEventListener("click", replay);
  $("a-curl").addEventListener("click", curl);
  counts();
  connect();
}

start();
