"""The one "not a diagnosis" statement that the CLI, the plan, the calendar, the report and the web show."""

DISCLAIMER = (
    "kneeguard gives educational information from your own data and published research. It is not a "
    "diagnosis or treatment and does not replace a health professional: only one who examines you can say "
    "what is wrong. Numbers from a phone video and a questionnaire carry error. See a doctor now if the "
    "pain becomes severe, the knee swells or locks, the calf swells, or you have numbness or a cold foot; "
    "if it keeps getting worse, see a professional sooner than planned."
)
