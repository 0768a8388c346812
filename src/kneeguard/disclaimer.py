"""The one "not a diagnosis" statement that the CLI, the plan, the calendar, the report and the web show."""

# The warning signs agree with the triage, tier by tier: the emergency rules' signs go to an emergency department
# (a physiotherapist read "see a doctor now" for a pale, cold foot as too slow), the urgent rules' to a doctor
# today; numbness alone is routine there (nerve_symptoms), so it is said apart; the saddle-numbness and
# bladder/bowel screen (cauda equina) is an emergency rule; calf symptoms that come with running and ease at rest
# are the urgent exertional_calf rule's (artery entrapment), said since read 50 found them missing.
DISCLAIMER = (
    "kneeguard gives educational information from your own data and published research. It is not a "
    "diagnosis or treatment and does not replace a health professional: only one who examines you can say "
    "what is wrong. Numbers from a phone video and a questionnaire carry error. Warning signs, go to an "
    "emergency department now: a knee that suddenly swells and turns hot, or with a fever; a knee that locks "
    "and will not straighten; a foot that turns pale or cold; numbness in the groin or buttocks, or new bladder "
    "or bowel problems. See a doctor today: very severe pain at rest; a red knee; a leg you cannot stand on; a "
    "painful, swollen, warm or red calf; a foot that is weak or drags; calf cramp or tingling that comes on at "
    "the same point in each run and goes within minutes of stopping. Chest pain or breathlessness: call "
    "emergency services. Numbness or tingling in the leg or foot alone: see a professional within 1-2 weeks. "
    "If it keeps getting worse, see a professional sooner than planned."
)
