"""Triage vignettes, each written from a published case description or guideline criterion.

`answers` override NEGATIVE (every warning sign answered 'no'); `expected` is the level
the cited source calls for; `cause` is the source the vignette describes (checked to
appear among the possible causes). `previous_ostrc` = earlier consecutive substantial weeks.
"""
from __future__ import annotations

from tests.vignette_support import with_follow_ups

NEGATIVE = {
    "age": 35, "sex": "female", "has_pain": True, "can_bear_weight": True, "locking": "no",
    "chest_symptoms": False, "knee_hot_swollen": False, "fever_unwell": False, "calf_swelling": False,
    "calf_red_warm": False, "clot_risks": ["none"], "foot_cold_pale": False, "foot_drop": False,
    "exertional_calf": False, "saddle_bladder": False,
}
TRAUMA_NEG = {"onset": "sudden_injury", "ottawa_fibular_head": False, "ottawa_patella_only": False,
              "can_flex_90": True, "deformity": False}
GRADUAL = {"onset": "gradual", "swelling": "none", "trend": "same", "pain_now": 2, "pain_during_run": 3}

V = [
    # ------------------------------------------------------------ emergency
    {"id": "pe_after_calf_pain", "expected": "emergency", "cause": "dvt",
     "source": "Marathon-runner VTE case, Scand J Med Sci Sports 2015;25:699; Wells PE criteria (BMJ)",
     "answers": {"onset": "gradual", "location": ["calf"], "pain_now": 4, "chest_symptoms": True, "calf_swelling": True, "clot_risks": ["travel_4h"]}},
    {"id": "septic_knee_no_fever", "expected": "emergency", "cause": "septic_joint",
     "source": "Coakley 2006 BSR/BOA guideline: hot swollen joint = septic until proven otherwise, even without fever",
     "answers": {"onset": "sudden_no_injury", "location": ["whole_knee"], "pain_now": 7, "knee_hot_swollen": True, "swelling": "hours_later"}},
    {"id": "fever_painful_knee", "expected": "emergency", "cause": "septic_joint",
     "source": "Coakley 2006: hot, swollen, tender joint with fever or feeling unwell",
     "answers": {"onset": "sudden_no_injury", "location": ["whole_knee"], "pain_now": 6, "fever_unwell": True, "swelling": "hours_later"}},
    {"id": "locked_bucket_handle", "expected": "emergency", "cause": "meniscus",
     "source": "Evidence table 1a (meniscus): E if the knee cannot be unlocked; NHS-style MSK advice",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 1, "mechanism": ["twist"], "location": ["posteromedial"], "pain_now": 6, "locking": "locked_now"}},
    {"id": "dislocation_deformity", "expected": "emergency", "cause": "pcl",
     "source": "CMDT PCL section: multi-ligament injury with neurovascular injury in about one third; gross deformity (MSK advice)",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 0, "mechanism": ["direct_blow"], "location": ["central"], "pain_now": 8, "deformity": True}},
    {"id": "trauma_cold_foot", "expected": "emergency", "cause": "pcl",
     "source": "CMDT PCL section: trauma with a cold, pale, numb or pulseless foot = popliteal artery injury",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 0, "mechanism": ["fall_bent_knee"], "location": ["central"], "pain_now": 7, "foot_cold_pale": True}},
    {"id": "paes_ischaemia_at_rest", "expected": "emergency", "cause": "paes",
     "source": "Joy & Raudales 2015: E with signs of acute limb ischaemia (cold, pale, pulseless leg at rest)",
     "answers": {"age": 26, "sex": "male", "onset": "sudden_no_injury", "location": ["calf"], "pain_now": 6, "exertional_calf": True, "foot_cold_pale": True, "pain_type": ["cramping"]}},
    {"id": "cauda_equina", "expected": "emergency", "cause": "referred_back",
     "source": "[NR] standard teaching listed in evidence 2a: saddle anaesthesia or bladder/bowel change with back and leg pain",
     "answers": {"onset": "gradual", "location": ["central"], "pain_now": 5, "back_pain": True, "saddle_bladder": True}},
    {"id": "ottawa_no_weight_bearing", "expected": "emergency",
     "source": "Stiell 1995/1996 Ottawa knee rule: unable to bear weight for four steps immediately and at assessment",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 0, "mechanism": ["fall_bent_knee"], "location": ["whole_knee"], "pain_now": 7, "can_bear_weight": False}},
    {"id": "clot_with_breathlessness", "expected": "emergency", "cause": "dvt",
     "source": "Fleming & Frey 2005; Wells PE criteria: leg symptoms with breathlessness",
     "answers": {"onset": "gradual", "location": ["calf"], "pain_now": 3, "chest_symptoms": True, "clot_risks": ["hormones"]}},
    # ------------------------------------------------------------ urgent
    {"id": "dvt_as_calf_strain", "expected": "urgent", "cause": "dvt",
     "source": "Theiss 2011 JOSPT 41:942: runner's DVT mistaken for a calf strain (calf pain and swelling)",
     "answers": {"onset": "gradual", "location": ["calf"], "pain_now": 4, "calf_swelling": True, "calf_pitting": True}},
    {"id": "calf_pain_long_haul", "expected": "urgent", "cause": "dvt",
     "source": "Wells 1997; BMJ Best Practice DVT: calf pain with recent travel/immobilisation -> same-day test",
     "answers": {"onset": "gradual", "location": ["calf"], "pain_now": 3, "clot_risks": ["travel_4h"]}},
    {"id": "calf_pain_hormones", "expected": "urgent", "cause": "dvt",
     "source": "Evidence 2a DVT row: calf pain with hormonal contraception -> U same day",
     "answers": {"onset": "sudden_no_injury", "location": ["calf"], "pain_now": 3, "clot_risks": ["hormones"]}},
    {"id": "ruptured_bakers_cyst", "expected": "urgent", "cause": "bakers_cyst",
     "source": "BMC Musculoskelet Disord 2020;21:440: cyst rupture = sudden calf pain, redness, 'water running down the calf', mimics DVT",
     "answers": {"age": 55, "onset": "sudden_no_injury", "location": ["posteromedial", "calf"], "pain_now": 6, "lump": True, "calf_red_warm": True, "calf_swelling": True}},
    {"id": "acute_gastrocnemius_strain_swollen", "expected": "urgent", "cause": "gastrocnemius",
     "source": "English 2010; Fleming & Frey 2005: acute calf strain with swelling must be told apart from DVT",
     "answers": {"onset": "sudden_no_injury", "location": ["calf"], "pain_now": 5, "aggravators": ["push_off"], "calf_swelling": True}},
    {"id": "ottawa_age_55", "expected": "urgent", "cause": "meniscus",
     "source": "Stiell 1995/1996 Ottawa knee rule: age 55 or over after acute knee injury",
     "answers": {**TRAUMA_NEG, "age": 61, "injury_days_ago": 2, "mechanism": ["twist"], "location": ["posteromedial"], "pain_now": 5, "aggravators": ["squat_kneel"]}},
    {"id": "ottawa_fibular_head", "expected": "urgent",
     "source": "Stiell 1995/1996 Ottawa knee rule: tenderness at the head of the fibula",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 1, "mechanism": ["direct_blow"], "location": ["posterolateral"], "pain_now": 5, "ottawa_fibular_head": True}},
    {"id": "ottawa_cannot_flex", "expected": "urgent",
     "source": "Stiell 1995/1996 Ottawa knee rule: inability to flex to 90 degrees",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 3, "mechanism": ["twist"], "location": ["whole_knee"], "pain_now": 6, "can_flex_90": False}},
    {"id": "ottawa_patella", "expected": "urgent",
     "source": "Stiell 1995/1996 Ottawa knee rule: isolated tenderness of the patella",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 0, "mechanism": ["direct_blow"], "location": ["whole_knee"], "pain_now": 5, "ottawa_patella_only": True}},
    {"id": "peroneal_foot_drop", "expected": "urgent", "cause": "peroneal_nerve",
     "source": "Peroneal neuropathy review PMC8567814: foot drop / weak dorsiflexion -> prompt assessment",
     "answers": {"onset": "gradual", "location": ["posterolateral"], "pain_now": 3, "foot_drop": True, "foot_numb_tingling": True, "pain_type": ["burning_tingling"]}},
    {"id": "paes_young_runner", "expected": "urgent", "cause": "paes",
     "source": "Joy & Raudales 2015; Mathew 2018 case: young runner, exertional calf claudication relieved by rest",
     "answers": {"age": 24, "sex": "male", "onset": "gradual", "location": ["calf"], "pain_now": 0, "pain_during_run": 7, "exertional_calf": True, "pain_type": ["cramping"]}},
    {"id": "very_severe_pain", "expected": "urgent",
     "source": "NHS-style MSK advice (evidence 2a): very severe pain -> same day",
     "answers": {"onset": "sudden_no_injury", "location": ["whole_knee"], "pain_now": 9}},
    {"id": "cannot_bear_weight_no_injury", "expected": "urgent",
     "source": "NHS-style MSK advice (evidence 2a): cannot bear weight -> same day",
     "answers": {"onset": "sudden_no_injury", "location": ["central"], "pain_now": 6, "can_bear_weight": False}},
    {"id": "calf_pain_after_surgery", "expected": "urgent", "cause": "dvt",
     "source": "Wells 1997 (major surgery within 12 weeks, BMJ BP version): calf pain after an operation",
     "answers": {"onset": "gradual", "location": ["calf"], "pain_now": 4, "clot_risks": ["surgery_12wk"], "surgery": ["meniscus"]}},
    # ------------------------------------------------------------ routine
    {"id": "meniscus_twist_swelling", "expected": "routine", "cause": "meniscus",
     "source": "Medscape 308054 / eTG: twisting injury, swelling hours later, catching -> R",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 14, "mechanism": ["twist"], "location": ["posteromedial"], "pain_now": 3, "swelling": "hours_later", "catching": True, "aggravators": ["squat_kneel", "twist_pivot"]}},
    {"id": "meniscus_locking_unlocks", "expected": "routine", "cause": "meniscus",
     "source": "Evidence 1a meniscus row and 2b(ii): locking that unlocks is a mechanical symptom -> R",
     "answers": {**GRADUAL, "age": 48, "location": ["posteromedial"], "locking": "unlocks", "aggravators": ["squat_kneel"]}},
    {"id": "bakers_cyst_lump", "expected": "routine", "cause": "bakers_cyst",
     "source": "Stone 1996; Rupp 2002; evidence 6a: lump behind the knee -> meniscus/OA-oriented referral (R)",
     "answers": {**GRADUAL, "age": 52, "location": ["posteromedial"], "lump": True, "aggravators": ["full_bend"]}},
    {"id": "pcl_fall_on_bent_knee", "expected": "routine", "cause": "pcl",
     "source": "Medscape 90514 PCL: fall on flexed knee, little swelling, loose knee on uneven ground; Ottawa negative",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 21, "mechanism": ["fall_bent_knee"], "location": ["central"], "pain_now": 3, "giving_way": True, "aggravators": ["squat_kneel"], "swelling": "none"}},
    {"id": "fabella_syndrome", "expected": "routine", "cause": "fabella",
     "source": "Driessen 2014 BMC MSD 15:100; AAFP 2002: slow onset, sharp posterolateral pain in full extension -> R",
     "answers": {**GRADUAL, "age": 16, "location": ["posterolateral"], "pain_type": ["sharp"], "aggravators": ["full_straighten"], "duration_weeks": 10}},
    {"id": "peroneal_tingling_no_weakness", "expected": "routine", "cause": "peroneal_nerve",
     "source": "PMC8567814: peroneal entrapment without weakness -> R",
     "answers": {**GRADUAL, "location": ["posterolateral"], "pain_type": ["burning_tingling"], "foot_numb_tingling": True}},
    {"id": "tibial_nerve", "expected": "routine", "cause": "tibial_nerve",
     "source": "[NR] evidence 1a tibial nerve entrapment row: neuropathic calf or sole symptoms -> R",
     "answers": {**GRADUAL, "location": ["central", "calf"], "pain_type": ["burning_tingling"]}},
    {"id": "referred_lumbar", "expected": "routine", "cause": "referred_back",
     "source": "English 2010: referred lumbar pain, changes with back posture or sitting -> R",
     "answers": {**GRADUAL, "location": ["central"], "back_pain": True, "aggravators": ["back_posture", "sitting_long"]}},
    {"id": "knee_oa", "expected": "routine", "cause": "knee_oa",
     "source": "Evidence 1a OA row (Alentorn-Geli 2017; Lo 2018): 45+, gradual, stiffness, effusion -> R",
     "answers": {**GRADUAL, "age": 58, "location": ["whole_knee"], "stiffness": True, "swelling": "comes_and_goes"}},
    {"id": "night_pain", "expected": "routine",
     "source": "Evidence 2b(ii) heuristic: night/rest pain -> R within 1-2 weeks",
     "answers": {**GRADUAL, "location": ["central"], "timing": ["night"]}},
    {"id": "bf_tendinopathy_worsening", "expected": "routine", "cause": "biceps_femoris",
     "source": "Evidence 1a biceps femoris row (S -> R if no better by 2-3 wk); 2b(iii)",
     "answers": {**GRADUAL, "location": ["posterolateral"], "aggravators": ["resisted_bend"], "timing": ["during_run"], "trend": "worse", "duration_weeks": 4, "reduced_load_weeks": 3}},
    {"id": "ostrc_substantial_two_weeks", "expected": "routine", "previous_ostrc": 1,
     "source": "Evidence 2b(iii); Clarsen 2013 substantial problem definition: two weeks running",
     "answers": {**GRADUAL, "location": ["posteromedial"], "trend": "better", "duration_weeks": 1,
                 "ostrc_q1": "reduced", "ostrc_q2": "moderate", "ostrc_q3": "moderate", "ostrc_q4": "moderate"}},
    {"id": "semimembranosus_not_improving", "expected": "routine", "cause": "semimembranosus",
     "source": "Sederberg 2022 PM&R; evidence 1a (S -> R) and 2b(iii): no better after weeks of reduced load",
     "answers": {**GRADUAL, "age": 45, "location": ["posteromedial"], "aggravators": ["resisted_bend", "stairs_down"], "duration_weeks": 5, "reduced_load_weeks": 3}},
    {"id": "pain_above_monitoring_band", "expected": "routine",
     "source": "Silbernagel 2007 pain-monitoring model; evidence 2c: self-care only while pain during activity <= 5/10",
     "answers": {**GRADUAL, "location": ["posterolateral"], "pain_during_run": 7, "trend": "better", "duration_weeks": 1}},
    {"id": "posterior_capsule_hyperextension", "expected": "routine", "cause": "posterior_capsule",
     "source": "[NR] evidence 1a posterior capsule row: after hyperextension -> R",
     "answers": {**TRAUMA_NEG, "injury_days_ago": 10, "mechanism": ["hyperextension"], "location": ["central"], "pain_now": 3, "swelling": "none"}},
    # ------------------------------------------------------------ self-care
    {"id": "bf_tendinopathy_early", "expected": "self-care", "cause": "biceps_femoris",
     "source": "thephysiorunner.com.au [S]; evidence 2c: gradual, load-related, localised, after a long-run increase",
     "answers": {**GRADUAL, "location": ["posterolateral"], "aggravators": ["resisted_bend"], "timing": ["during_run"], "duration_weeks": 1}},
    {"id": "popliteus_downhill", "expected": "self-care", "cause": "popliteus",
     "source": "teachmeorthopedics popliteal tendonitis [S]; evidence 2c self-management criteria",
     "answers": {**GRADUAL, "location": ["posterolateral"], "aggravators": ["downhill", "cross_legged"], "duration_weeks": 1, "trend": "better"}},
    {"id": "semimembranosus_early", "expected": "self-care", "cause": "semimembranosus",
     "source": "Sederberg 2022 PM&R; evidence 2c: early load-related posteromedial pain",
     "answers": {**GRADUAL, "location": ["posteromedial"], "aggravators": ["resisted_bend"], "duration_weeks": 1}},
    {"id": "gastrocnemius_tendinopathy", "expected": "self-care", "cause": "gastrocnemius",
     "source": "English 2010: gastrocnemius tendinopathy gradual, pain on push-off and uphill -> S",
     "answers": {**GRADUAL, "location": ["central", "calf"], "onset": "gradual", "aggravators": ["push_off", "uphill"], "duration_weeks": 1}},
    {"id": "no_symptoms", "expected": "self-care",
     "source": "Evidence 2b(iv): otherwise self-care with weekly tracking",
     "answers": {"has_pain": False}},
    {"id": "improving_after_four_weeks", "expected": "self-care",
     "source": "UHMB NHS MSK: most knee pain resolves within 6-12 weeks; evidence 2c",
     "answers": {**GRADUAL, "location": ["posterolateral"], "trend": "better", "duration_weeks": 4, "reduced_load_weeks": 2}},
]


# ---------------------------------------------------------------- the checks
import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from kneeguard.clinic import TriageLevel, assess  # noqa: E402
from kneeguard.clinic.history import CheckinRecord  # noqa: E402

TODAY = dt.date(2026, 5, 4)
RED_FLAG_RULES = {"chest_symptoms", "hot_swollen_knee", "fever_with_knee", "locked_cannot_unlock", "deformity",
                  "cold_pale_foot", "cauda_equina", "ottawa_no_weight", "calf_swelling", "calf_red_warm",
                  "calf_pain_clot_risk", "ottawa_positive", "foot_drop", "exertional_calf"}
LISTED_CAUSES = {"biceps_femoris", "semimembranosus", "popliteus", "gastrocnemius", "bakers_cyst", "meniscus", "pcl",
                 "fabella", "peroneal_nerve", "tibial_nerve", "paes", "dvt", "referred_back", "knee_oa"}


def run(v: dict) -> dict:
    answers = with_follow_ups({**NEGATIVE, **v["answers"]})
    history = []
    for weeks_back in range(v.get("previous_ostrc", 0), 0, -1):
        history.append(CheckinRecord(TODAY - dt.timedelta(days=7 * weeks_back), dict(answers)))
    result = assess(answers, history=history, today=TODAY).to_dict()
    assert result["validation"]["missing_red_flags"] == [], v["id"]
    assert result["validation"]["contradictions"] == [], v["id"]
    return result


RESULTS = {v["id"]: run(v) for v in V}


def test_suite_size_and_sources():
    assert len(V) >= 40
    assert len({v["id"] for v in V}) == len(V)
    assert all(v["source"].strip() for v in V)


@pytest.mark.parametrize("v", V, ids=[v["id"] for v in V])
def test_no_under_triage_of_emergency_or_urgent(v):
    if v["expected"] in ("emergency", "urgent"):
        assert TriageLevel(RESULTS[v["id"]]["level"]).rank >= TriageLevel(v["expected"]).rank


def test_exact_agreement_at_least_90_percent():
    agree = sum(RESULTS[v["id"]]["level"] == v["expected"] for v in V)
    misses = [(v["id"], v["expected"], RESULTS[v["id"]]["level"]) for v in V if RESULTS[v["id"]]["level"] != v["expected"]]
    assert agree / len(V) >= 0.90, misses


def test_no_red_flag_vignette_reaches_self_care():
    for v in V:
        result = RESULTS[v["id"]]
        if v["expected"] in ("emergency", "urgent") or result["red_flags"]:
            assert result["level"] != "self-care", v["id"]


def test_every_red_flag_and_every_listed_cause_is_covered():
    fired = {flag for r in RESULTS.values() for flag in r["red_flags"]}
    assert RED_FLAG_RULES <= fired, RED_FLAG_RULES - fired
    assert LISTED_CAUSES <= {v["cause"] for v in V if "cause" in v}


@pytest.mark.parametrize("v", [v for v in V if "cause" in v], ids=[v["id"] for v in V if "cause" in v])
def test_described_cause_is_among_the_possibilities(v):
    assert v["cause"] in [c["id"] for c in RESULTS[v["id"]]["possible_causes"]]


def test_self_care_has_review_date_and_statement():
    for v in V:
        result = RESULTS[v["id"]]
        assert result["not_a_diagnosis"]
        assert (result["review_date"] is not None) == (result["level"] == "self-care")


def vignette_figures() -> dict:
    """n, exact agreement and under-triage count (for docs/triage.md)."""
    exact = sum(RESULTS[v["id"]]["level"] == v["expected"] for v in V)
    under = sum(TriageLevel(RESULTS[v["id"]]["level"]).rank < TriageLevel(v["expected"]).rank for v in V)
    by_level = {lvl: sum(v["expected"] == lvl for v in V) for lvl in ("emergency", "urgent", "routine", "self-care")}
    return {"n": len(V), "exact": exact, "agreement": exact / len(V), "under_triage": under, "by_level": by_level}
