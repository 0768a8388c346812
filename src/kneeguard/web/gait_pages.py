"""Gait: the stored gait analyses; uploading a video here is not part of this foundation."""
from __future__ import annotations

from fastapi import APIRouter, Request

from kneeguard.web.common import athlete_name, render, store_of

router = APIRouter()


@router.get("/gait")
def gait_page(request: Request):
    from kneeguard.store.records import list_gait_sessions

    with store_of(request).session() as session:
        sessions = list_gait_sessions(session, athlete_name(request))
    rows = []
    for s in reversed(sessions):
        summary = s["summary"] if isinstance(s["summary"], dict) else {}
        findings = summary.get("findings") if isinstance(summary.get("findings"), list) else []
        rows.append({"id": s["id"], "recorded_at": s["recorded_at"], "source": s["source"],
                     "findings": [f for f in findings if isinstance(f, dict)][:5]})
    return render(request, "gait.html", sessions=rows)
