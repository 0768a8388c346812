// kneeguard: the little interactivity the pages need. Everything works without it;
// the server re-validates every answer.
"use strict";

(function () {
  // --- check-in branching: mirrors kneeguard.clinic.conditions for the operators the questions use.
  function answerOf(form, qid) {
    var box = form.querySelector('.question[data-qid="' + qid + '"]');
    if (!box) return carriedAnswer(form, qid);
    if (box.hidden) return null;
    var type = box.dataset.type;
    var inputs = box.querySelectorAll("input, textarea");
    if (type === "multi") {
      var chosen = [];
      inputs.forEach(function (i) { if (i.checked) chosen.push(i.value); });
      return chosen.length ? chosen : null;
    }
    if (type === "bool" || type === "choice") {
      var picked = null;
      inputs.forEach(function (i) { if (i.checked) picked = i.value; });
      if (picked === null) return null;
      if (type === "bool") return picked === "dont_know" ? picked : picked === "yes";
      return picked;
    }
    var text = inputs.length ? inputs[0].value.trim() : "";
    if (!text) return null;
    return (type === "number" || type === "scale") ? Number(text) : text;
  }

  // An answer given on an earlier step travels in hidden inputs (one per chosen value).
  function carriedAnswer(form, qid) {
    var inputs = form.querySelectorAll('input[type="hidden"][name="' + qid + '"]');
    if (!inputs.length) return null;
    var type = inputs[0].dataset.type;
    var values = Array.prototype.map.call(inputs, function (i) { return i.value; });
    if (type === "multi") return values;
    if (type === "bool") return values[0] === "dont_know" ? "dont_know" : values[0] === "yes";
    if (type === "number" || type === "scale") return Number(values[0]);
    return values[0];
  }

  function compare(op, value, target) {
    if (op === "eq") return JSON.stringify(value) === JSON.stringify(target);
    if (op === "ne") return JSON.stringify(value) !== JSON.stringify(target);
    if (op === "has") return Array.isArray(value) && value.indexOf(target) >= 0;
    if (op === "has_any") return Array.isArray(value) && target.some(function (t) { return value.indexOf(t) >= 0; });
    if (op === "in") return Array.isArray(target) && target.indexOf(value) >= 0;
    if (op === "contains") return Array.isArray(value) && value.indexOf(target) >= 0;
    if (op === "gt") return value > target;
    if (op === "gte") return value >= target;
    if (op === "lt") return value < target;
    if (op === "lte") return value <= target;
    return undefined; // unknown operator: let the server decide
  }

  // true / false / null (unknown yet), like the Python evaluator.
  function evaluate(cond, form) {
    if (cond.all) {
      var all = cond.all.map(function (c) { return evaluate(c, form); });
      if (all.indexOf(false) >= 0) return false;
      return all.every(function (r) { return r === true; }) ? true : null;
    }
    if (cond.any) {
      var any = cond.any.map(function (c) { return evaluate(c, form); });
      if (any.indexOf(true) >= 0) return true;
      return any.every(function (r) { return r === false; }) ? false : null;
    }
    if (cond.not) {
      var inner = evaluate(cond.not, form);
      return inner === null ? null : !inner;
    }
    var value = answerOf(form, cond.q);
    if ("answered" in cond) return (value !== null) === Boolean(cond.answered);
    if (value === null) return null;
    for (var op in cond) {
      if (op === "q") continue;
      var result = compare(op, value, cond[op]);
      return result === undefined ? true : result;
    }
    return true;
  }

  function applyBranching(form) {
    // Definition order settles parents before children, so one pass suffices.
    form.querySelectorAll(".question").forEach(function (box) {
      var raw = box.dataset.showIf;
      var visible = !raw || evaluate(JSON.parse(raw), form) === true;
      box.hidden = !visible;
      // Hidden answers are disabled so they are not sent (the server would ignore them anyway).
      box.querySelectorAll("input, textarea, select").forEach(function (i) { i.disabled = !visible; });
    });
  }

  function exclusiveChoices(event) {
    var input = event.target;
    if (input.type !== "checkbox" || !input.checked) return;
    var box = input.closest(".question");
    box.querySelectorAll('input[type="checkbox"]').forEach(function (other) {
      if (other === input) return;
      if (input.dataset.exclusive || other.dataset.exclusive) other.checked = false;
    });
  }

  var checkin = document.getElementById("checkin-form");
  if (checkin) {
    applyBranching(checkin);
    checkin.addEventListener("change", function (event) {
      exclusiveChoices(event);
      applyBranching(checkin);
    });
  }

  // --- import: a visible drop target and a note while the server works.
  document.querySelectorAll(".dropzone").forEach(function (zone) {
    ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function () { zone.classList.add("over"); }); });
    ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function () { zone.classList.remove("over"); }); });
  });
  var importForm = document.getElementById("import-form");
  if (importForm) {
    importForm.addEventListener("submit", function () {
      var count = 0;
      importForm.querySelectorAll('input[type="file"]').forEach(function (i) { count += i.files ? i.files.length : 0; });
      var note = document.getElementById("import-progress");
      if (note) note.textContent = "Uploading and importing " + count + " file(s)… large exports can take a few minutes.";
    });
  }
})();

// --- uploads with a progress bar, background job pages, chart readouts. Each is an
// enhancement: without script the forms post normally, job pages reload themselves
// (a <noscript> refresh) and every chart value is in its <title> hover text.
(function () {
  function selectedBytes(form) {
    var total = 0;
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { total += f.size; });
    });
    return total;
  }

  // Show a page the server answered with (an error, or a synchronous result) in place of <main>.
  function showAnswer(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { document.body.textContent = "The server answered with an unexpected page."; return; }
    main.replaceWith(fresh);
    if (doc.title) document.title = doc.title;
    bindUploads(fresh);
    bindCharts(fresh);
  }

  function uploadWithProgress(form, event) {
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    if (selectedBytes(form) <= Number(form.dataset.backgroundBytes || 0)) return; // small: post normally
    event.preventDefault();
    var bar = form.querySelector(".upload-progress");
    var note = form.querySelector('[aria-live="polite"]');
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    if (bar) { bar.hidden = false; bar.value = 0; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) xhr.setRequestHeader("X-CSRF-Token", token.content);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      if (bar) bar.value = e.loaded / e.total;
      if (note) note.textContent = "Uploading… " + Math.round(100 * e.loaded / e.total) + " %";
    });
    xhr.upload.addEventListener("load", function () {
      if (note) note.textContent = "Upload complete; handing it to the worker…";
    });
    xhr.addEventListener("load", function () {
      // A job answers with a redirect to its progress page, which the request has followed.
      var landed = new URL(xhr.responseURL || form.action, location.href);
      if (xhr.status < 400 && landed.pathname !== new URL(form.action, location.href).pathname) {
        location.assign(landed.href);
      } else {
        showAnswer(xhr.responseText);
      }
    });
    xhr.addEventListener("error", function () {
      if (note) note.textContent = "The upload stopped (the connection was lost). Please try again.";
      if (button) button.disabled = false;
    });
    xhr.send(new FormData(form));
  }

  function bindUploads(root) {
    root.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
      form.addEventListener("submit", function (event) { uploadWithProgress(form, event); });
    });
  }

  // A page shown in place brings charts its scripts did not see (static/index_charts.js draws them).
  function bindCharts(root) {
    if (window.kneeguardIndexCharts) window.kneeguardIndexCharts.draw(root);
  }

  function followJob(section) {
    var url = section.dataset.statusUrl;
    if (!url || section.dataset.status === "done" || section.dataset.status === "failed" || !window.fetch) return;
    var bar = document.getElementById("job-progress");
    var percent = document.getElementById("job-percent");
    var text = document.getElementById("job-text");
    var badge = document.getElementById("job-status");
    function later() { window.setTimeout(poll, 1500); }
    function poll() {
      fetch(url, { cache: "no-store", credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) { later(); return; }
          if (bar) bar.value = s.progress;
          if (percent) percent.textContent = Math.round(100 * s.progress) + " %";
          if (text) text.textContent = s.message;
          if (badge) { badge.textContent = s.status; badge.className = "badge job-" + s.status; }
          if (!s.finished) { later(); return; }
          if (s.result_url) location.assign(s.result_url); else location.reload();
        })
        .catch(later);
    }
    later();
  }

  bindUploads(document);
  bindCharts(document);
  var job = document.getElementById("job");
  if (job) followJob(job);
})();
