"""The general "not a diagnosis" statement every presentation layer shows."""

DISCLAIMER = (
    "kneeguard gives educational information from your own data. It is not a diagnosis "
    "and does not replace a health professional. If pain is severe, getting worse, or comes "
    "with swelling of the calf, a locked knee, numbness or a cold foot, see a doctor now."
)
