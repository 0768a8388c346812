"""The one "not a diagnosis" statement that the CLI, the plan, the calendar, the report and the web show."""

DISCLAIMER = (
    "kneeguard gives educational information from your own data and published research. It is not a "
    "diagnosis or treatment and does not replace a health professional: only one who examines you can say "
    "what is wrong. Numbers from a phone video and a questionnaire carry error. Warning signs, see a "
    "doctor now: severe pain; a knee that suddenly swells, turns hot or red, or a fever; a knee that "
    "locks and will not straighten, or a leg you cannot stand on; a painful, swollen, warm or red calf; a "
    "numb, weak, pale or cold foot. Chest pain or breathlessness: call emergency services. If it keeps "
    "getting worse, see a professional sooner than planned."
)
