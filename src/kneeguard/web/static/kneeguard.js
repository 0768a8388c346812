// kneeguard: the little interactivity the pages need. Everything works without it;
// the server re-validates every answer.
"use strict";

(function () {
  // --- check-in branching: mirrors kneeguard.clinic.conditions for the operators the questions use.
  function answerOf(form, qid) {
    var box = form.querySelector('.question[data-qid="' + qid + '"]');
    if (!box || box.hidden) return null;
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
      if (type === "bool") return picked === "yes";
      return picked;
    }
    var text = inputs.length ? inputs[0].value.trim() : "";
    if (!text) return null;
    return (type === "number" || type === "scale") ? Number(text) : text;
  }

  function compare(op, value, target) {
    if (op === "eq") return value === target;
    if (op === "ne") return value !== target;
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
