// The call form's helpers. The form works without this script; with it:
// - the Installation and Confirmation IDs are checked as they are typed, by
//   asking the server (/calls/check runs the same Rust parser as the API);
//   each group is marked, and the first failing group is said in an
//   aria-live region before anything is sent;
// - a queue timer fills wait_seconds (which stays editable);
// - "started at" is filled with now, in this browser's offset;
// - the new PC / new license fields show only when chosen;
// - question topics are reordered for the chosen license's channel;
// - what to have at hand is shown for the license chosen, in place;
// - a draft is kept in this browser while the form is filled in (see below);
// - Back to a form already sent sends it again with its one-time key, so
//   the server answers "already saved" instead of storing it twice;
// - Enter (a phone keyboard's "Go") in a field moves on to the next field
//   instead of sending the form (a textarea keeps its newline);
// - "Add a question" adds a row in place (the timer, what was typed and
//   the scroll position stay); without script the server adds it;
// - a refused form's error summary takes focus.
(function () {
  "use strict";
  // The draft: the form's fields in localStorage, written as they are
  // typed, brought back into a fresh form (data-fresh) and cleared once the
  // call is saved (a page marked data-call-saved). Never the product key
  // (password fields), the CSRF token or the one-time key.
  var DRAFT = "aj-call-draft";
  var drafts = null;
  try { drafts = window.localStorage; } catch (e) { drafts = null; }
  if (drafts && document.querySelector("[data-call-saved]")) drafts.removeItem(DRAFT);
  var form = document.getElementById("call-form");
  if (!form) return;

  function kept(el) {
    return el.name && !/^(hidden|password|submit|button|reset|file)$/.test(el.type) && !/product_key/.test(el.name);
  }
  function writeDraft() {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) { if (kept(el)) fields.push([el.name, el.value]); });
    try { drafts.setItem(DRAFT, JSON.stringify({ fields: fields })); } catch (e) { /* full or refused */ }
  }
  function readDraft() {
    try {
      var d = JSON.parse(drafts.getItem(DRAFT) || "null");
      return d && Array.isArray(d.fields) ? d : null;
    } catch (e) { return null; }
  }
  if (drafts) {
    var fresh = form.hasAttribute("data-fresh");
    var draft = fresh ? readDraft() : null;
    if (draft) {
      draft.fields.forEach(function (f) {
        var row = /^questions\[(\d+)\]/.exec(f[0]);
        var wanted = row ? Math.min(Number(row[1]), 49) + 1 : 0;
        while (form.querySelectorAll("#questions .qrow").length < wanted && addRow()) { /* a row the draft fills */ }
      });
      draft.fields.forEach(function (f) {
        var el = form.elements.namedItem(f[0]);
        if (el && el.name && kept(el)) el.value = f[1];
      });
      var notice = document.getElementById("draft-notice");
      if (notice) notice.hidden = false;
      var discard = document.getElementById("draft-discard");
      if (discard) discard.addEventListener("click", function () {
        drafts.removeItem(DRAFT);
        location.replace(location.pathname + location.search);
      });
    } else if (!fresh) {
      writeDraft();
    }
    var pending = null;
    form.addEventListener("input", function () { clearTimeout(pending); pending = setTimeout(writeDraft, 300); });
    form.addEventListener("change", writeDraft);
  }

  // The one-time key of this history entry: Back to a form already sent
  // (even one the browser fetched again) sends the key it was sent with.
  var once = form.querySelector("input[name=once]");
  if (once && window.history && history.replaceState) {
    var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var state = history.state && typeof history.state === "object" ? history.state : {};
    if (nav && nav.type === "back_forward" && state.once) {
      once.value = state.once;
    } else {
      var next = {};
      Object.keys(state).forEach(function (k) { next[k] = state[k]; });
      next.once = once.value;
      history.replaceState(next, "");
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function nowWithOffset() {
    var d = new Date();
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }
  var started = document.getElementById("started_at");
  if (started && !started.value) started.value = nowWithOffset();

  // Live ID checks.
  function checker(input) {
    var kind = input.getAttribute("data-check");
    var list = document.getElementById(input.id + "-groups");
    var live = document.getElementById(input.id + "-live");
    var timer = null, asked = 0;
    function show(answer) {
      list.textContent = "";
      answer.groups.forEach(function (g) {
        var li = document.createElement("li");
        li.className = g.state;
        li.setAttribute("data-group", g.name);
        li.textContent = g.name + ": " + g.digits + (g.state === "ok" ? " ✓" : g.state === "bad" ? " ✗" : "");
        list.appendChild(li);
      });
      live.className = "live" + (answer.complete ? " ok" : "");
      live.textContent = answer.message || (answer.complete ? "✓ " + answer.complete : "");
      input.setAttribute("aria-invalid", answer.message ? "true" : "false");
    }
    function run() {
      var value = input.value;
      if (!value.trim()) { list.textContent = ""; live.textContent = ""; return; }
      var mine = ++asked;
      fetch("/calls/check?kind=" + kind + "&value=" + encodeURIComponent(value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) {
          if (!answer || mine !== asked) return;
          // A pasted slmgr /dti output becomes the ID alone, in groups.
          if (answer.complete && /[:：]/.test(value)) input.value = answer.complete;
          show(answer);
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    if (input.value) run();
  }
  Array.prototype.forEach.call(form.querySelectorAll("[data-check]"), checker);

  // Queue timer.
  var box = document.getElementById("timer");
  var startBtn = document.getElementById("timer-start");
  var stopBtn = document.getElementById("timer-stop");
  var shown = document.getElementById("timer-shown");
  var wait = document.getElementById("wait_seconds");
  var outcome = document.getElementById("operator_outcome");
  if (box && wait) {
    box.hidden = false;
    var hint = document.getElementById("timer-hint");
    if (hint) hint.hidden = false;
    var t0 = null, tick = null;
    function seconds() { return Math.round((Date.now() - t0) / 1000); }
    function render(s) { shown.textContent = Math.floor(s / 60) + ":" + pad(s % 60); }
    startBtn.addEventListener("click", function () {
      t0 = Date.now();
      render(0);
      startBtn.disabled = true;
      startBtn.hidden = true;
      stopBtn.disabled = false;
      stopBtn.hidden = false;
      stopBtn.focus();
      tick = setInterval(function () { var s = seconds(); render(s); wait.value = s; }, 250);
    });
    stopBtn.addEventListener("click", function () {
      clearInterval(tick);
      var s = seconds();
      render(s);
      wait.value = s;
      startBtn.disabled = false;
      startBtn.hidden = false;
      stopBtn.disabled = true;
      stopBtn.hidden = true;
      if (outcome && !outcome.value) outcome.value = "reached";
      // Someone answered: on to the first question not yet filled in (or the result).
      var next = Array.prototype.filter.call(form.querySelectorAll("select.topic"), function (t) { return !t.value; })[0] ||
        document.getElementById("result");
      if (next) next.focus();
    });
  }

  // Sections shown for a select's value (data-when="select_id=value").
  Array.prototype.forEach.call(form.querySelectorAll("[data-when]"), function (sub) {
    var rule = sub.getAttribute("data-when").split("=");
    var select = document.getElementById(rule[0]);
    function update() { sub.hidden = select.value !== rule[1]; }
    select.addEventListener("change", update);
    update();
  });

  // Topics in the order past operators asked them for the license's channel.
  var orders = {};
  try { orders = JSON.parse(form.getAttribute("data-topic-order") || "{}"); } catch (e) {}
  var license = document.getElementById("license_id");
  function reorder() {
    var opt = license.options[license.selectedIndex];
    var channel = opt && opt.getAttribute("data-channel");
    var order = channel && orders[channel];
    if (!order) return;
    Array.prototype.forEach.call(form.querySelectorAll("select.topic"), function (sel) {
      var keep = sel.value;
      var byValue = {};
      Array.prototype.forEach.call(sel.options, function (o) { byValue[o.value] = o; });
      order.forEach(function (v) { if (byValue[v]) sel.appendChild(byValue[v]); });
      sel.value = keep;
    });
  }
  if (license) { license.addEventListener("change", reorder); reorder(); }

  // What to have at hand for the chosen license, put in place (no reload:
  // the timer and everything typed stay). The server draws the block.
  var hand = document.getElementById("at-hand");
  var handAsked = 0;
  function showHand() {
    var id = license.value;
    var mine = ++handAsked;
    if (!/^[0-9]+$/.test(id)) { hand.textContent = ""; return; }
    fetch("/calls/at-hand?license_id=" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) { if (html !== null && mine === handAsked) hand.innerHTML = html; })
      .catch(function () {});
  }
  if (license && hand) license.addEventListener("change", showHand);

  // Enter in a field: on to the next field, never sending the form.
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !/^(hidden|submit|button|reset)$/.test(el.type) &&
        !el.disabled && el.offsetParent !== null;
    });
  }
  form.addEventListener("keydown", function (e) {
    var el = e.target;
    if (e.key !== "Enter" || e.isComposing || e.keyCode === 229 || !/^(INPUT|SELECT)$/.test(el.tagName) ||
        /^(submit|button|reset|checkbox|radio)$/.test(el.type)) return;
    e.preventDefault();
    var all = fields();
    var next = all[all.indexOf(el) + 1] || form.querySelector("button[value=save]");
    if (next) next.focus();
  });

  // A field taking focus (Enter, Tab, the timer) is scrolled out from
  // under the bar at the bottom of the screen.
  var bar = form.querySelector(".callbar");
  form.addEventListener("focusin", function (e) {
    if (!bar || bar.contains(e.target)) return;
    var r = e.target.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
    if (r.bottom > top - 8) window.scrollBy(0, r.bottom - top + 8);
  });

  // "Add a question": a row added in place.
  var more = form.querySelector("button[value=more]");
  if (more) more.addEventListener("click", function (e) {
    var row = addRow();
    if (!row) return;
    e.preventDefault();
    var topic = row.querySelector("select");
    if (topic) topic.focus({ preventScroll: true });
  });

  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();

  // A question row added in place: a copy of the last one, emptied and
  // numbered on (the server reads rows by the index in their names).
  function addRow() {
    var rows = document.getElementById("questions");
    var last = rows && rows.querySelector(".qrow:last-child");
    if (!last) return null;
    var i = rows.querySelectorAll(".qrow").length;
    var row = last.cloneNode(true);
    row.setAttribute("data-row", String(i));
    Array.prototype.forEach.call(row.querySelectorAll(".error"), function (p) { p.remove(); });
    Array.prototype.forEach.call(row.querySelectorAll(".invalid"), function (d) { d.classList.remove("invalid"); });
    function renumber(v) { return v.replace(/^questions\[\d+\]/, "questions[" + i + "]"); }
    Array.prototype.forEach.call(row.querySelectorAll("[id], [name], [for]"), function (el) {
      ["id", "name", "for"].forEach(function (a) { if (el.hasAttribute(a)) el.setAttribute(a, renumber(el.getAttribute(a))); });
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
      if (/^(INPUT|SELECT)$/.test(el.tagName)) el.value = "";
    });
    var n = row.querySelector("label .n");
    if (n) n.textContent = String(i + 1);
    rows.appendChild(row);
    return row;
  }
})();
