"""The worse week's check-in (tests/data/checkins/worse_routine.json) that the physiotherapist's reads were of:
its answers, its day and the demo's two earlier check-ins, shared by the tests of its words."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kneeguard.clinic.history import CheckinRecord

WORSE = json.loads((Path(__file__).parent / "data" / "checkins" / "worse_routine.json").read_text("utf-8"))
TODAY = dt.date(2026, 12, 7)
# The demo's two earlier check-ins: 2 weeks on 15 Nov (onset 01 Nov), 3 weeks on 22 Nov; then the worse one.
HISTORY = [CheckinRecord(dt.date(2026, 11, 15), {**WORSE, "duration_weeks": 2, "pain_during_run": 3,
                                                 "pain_next_morning": 1}),
           CheckinRecord(dt.date(2026, 11, 22), {**WORSE, "duration_weeks": 3, "pain_during_run": 4,
                                                 "pain_next_morning": 2})]
