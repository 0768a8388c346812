"""The one "not a diagnosis" statement that the CLI, the plan, the calendar, the report and the web show."""

# The warning signs agree with the triage: each one here is an emergency or urgent rule there; numbness alone
# is routine there (nerve_symptoms), so it is not among "see a doctor now" (a physiotherapist's read); the
# saddle-numbness and bladder/bowel screen (cauda equina, an emergency rule) is named too (read 13).
DISCLAIMER = (
    "kneeguard gives educational information from your own data and published research. It is not a "
    "diagnosis or treatment and does not replace a health professional: only one who examines you can say "
    "what is wrong. Numbers from a phone video and a questionnaire carry error. Warning signs, see a "
    "doctor now: very severe pain at rest; a knee that suddenly swells, turns hot or red, or a fever; a "
    "knee that locks and will not straighten, or a leg you cannot stand on; a painful, swollen, warm or "
    "red calf; a foot that is weak or drags, or turns pale or cold. Numbness in the groin or buttocks, or new "
    "bladder or bowel problems: go to an emergency department now. Chest pain or breathlessness: call emergency "
    "services. Numbness or tingling in the leg or foot alone: see a professional within 1-2 weeks. If it keeps "
    "getting worse, see a professional sooner than planned."
)
