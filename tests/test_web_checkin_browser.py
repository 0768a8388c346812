"""The check-in result page for a worse check-in (routine), in headless Chromium at 1280 and 390 px:
one booking line in the banner, findings about the runner's answers, a plain "why" with the rule
folded away for the clinician, no sideways scrolling and no policy violations. Screenshots as in
test_web_browser (checkin-result-routine*.png with KNEEGUARD_SAVE_SCREENSHOTS=1)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

# The fixtures are shared by name (pytest passes them as the tests' arguments, hence the noqa: F811 below).
from tests.test_web_browser import browser, open_watched, server, shoot  # noqa: F401

WORSE = Path(__file__).parent / "data" / "checkins" / "worse_routine.json"
# Posts the answers as the form would (every field a string, a list as repeated fields), with the page's token.
SUBMIT = """answers => {
  const form = document.createElement("form");
  form.method = "post"; form.action = "/checkin";
  const add = (name, value) => { const i = document.createElement("input"); i.type = "hidden"; i.name = name;
    i.value = value; form.appendChild(i); };
  const token = document.querySelector('input[name="csrf_token"]');
  if (token) add("csrf_token", token.value);
  for (const [k, v] of Object.entries(answers)) { (Array.isArray(v) ? v : [v]).forEach(x => add(k, String(x))); }
  document.body.appendChild(form); form.submit();
}"""


@pytest.mark.parametrize("width,name", [(1280, "checkin-result-routine"), (390, "checkin-result-routine-phone")])
def test_worse_checkin_result_reads_right(server, browser, shoot, width, name):  # noqa: F811
    from kneeguard.clinic.legacy import upgrade_answers
    from kneeguard.clinic.triage import triage_rules

    answers = upgrade_answers(json.loads(WORSE.read_text("utf-8")))
    context, page, problems = open_watched(browser, server + "/checkin", width)
    try:
        page.evaluate(SUBMIT, answers)
        banner = page.wait_for_selector("#level-banner.routine").inner_text()
        assert banner.count("Book a sports-medicine professional") == 1
        assert "Your pain has lasted 3 weeks and is no better" in banner and "6/10 during your last run" in banner
        why = page.inner_text("ul.reasons")
        rule = next(r for r in triage_rules() if r.id == "not_improving")
        assert rule.text.why in why
        assert not page.is_visible("ul.reasons .rule-summary")  # the rule is folded away for the clinician
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, name)
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize("width,name", [(1280, "explain-checkin-rule"), (390, "explain-checkin-rule-phone")])
def test_the_why_link_opens_the_rule_first(server, browser, shoot, width, name):  # noqa: F811
    """The result page's "what does this involve?" link: the check-in rule's own words first, then what may be
    behind it; no sideways scrolling and no policy violations."""
    context, page, problems = open_watched(browser, server + "/explain/clinic.triage.not_improving", width)
    try:
        note = page.inner_text("section.triage-rule")
        assert "Why this check-in rule (routine)" in note and "For a clinician" in note
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, name)
        assert not problems, problems
    finally:
        context.close()
