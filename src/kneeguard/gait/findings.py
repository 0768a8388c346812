"""Turning gait metric summaries into Findings a runner can read.

Every threshold comes from the evidence registry (`gait.*` rules) and every
finding states the measurement uncertainty of 2D pose. Posterior-knee focus:
overstride, shank angle and knee flexion at contact and cadence lead.
"""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.findings import Finding, Severity

DOMAIN = "gait"


def _make(code: str, severity: Severity, title: str, explanation: str, **fields) -> Finding:
    return Finding(code=code, severity=severity, title=title, explanation=explanation, domain=DOMAIN, **fields)


def _cadence_advice(cadence: float) -> str:
    low, high = evidence.value("gait.cadence.increase_pct")
    return (f"If you want to try it, raise your step rate by {low}-{high} % (to about "
            f"{cadence * (1 + low / 100):.0f}-{cadence * (1 + high / 100):.0f} steps/min): "
            f"+{low} % lowered knee energy absorption and +{high} % also shortened the step and reduced peak knee "
            "flexion (Heiderscheit 2011).")


def _pm(key: str) -> str:
    r = evidence.rule(key)
    return f"±{r.value} {r.unit.split(' ')[0]}"


def overstride(summary: dict) -> Finding | None:
    pct = summary.get("overstride_pct_leg")
    if pct is None:
        return None
    warn, high = evidence.value("gait.overstride.warn_pct_leg"), evidence.value("gait.overstride.high_pct_leg")
    if pct <= warn:
        return None
    severity = Severity.MODERATE if pct > high else Severity.LOW
    cm = summary.get("overstride_cm")
    where = f" ({cm:.0f} cm)" if cm is not None else ""
    return _make(
        "gait.overstride", severity, "Your foot lands well ahead of your hip",
        f"At contact your heel is {pct:.0f} % of your leg length{where} ahead of your hip (flag above {warn} %). "
        "Landing far ahead of the body raises braking and knee loading. A slightly higher step rate brings the foot "
        f"closer to the hip. Uncertainty {_pm('gait.uncertainty.overstride_pct_leg')} of leg length (2D pose).",
        measured=pct, threshold=warn, unit="% leg length", rule=evidence.rule("gait.overstride.warn_pct_leg"),
        extra_citations=evidence.rule("gait.cadence.increase_pct").citations,
    )


def extended_knee(summary: dict) -> Finding | None:
    knee = summary.get("knee_flexion_ic_deg")
    if knee is None:
        return None
    limit = evidence.value("gait.knee_ic.extended")
    if knee >= limit:
        return None
    overstriding = (summary.get("overstride_pct_leg") or 0) > evidence.value("gait.overstride.warn_pct_leg")
    return _make(
        "gait.extended_knee_landing", Severity.MODERATE if overstriding else Severity.LOW,
        "You land with a nearly straight knee",
        f"Knee flexion at contact is {knee:.0f}° (typical about 10-20°; flag below {limit}°). "
        + ("Together with overstriding this is the 'straight-leg reach' landing that strains the back of the knee. "
           if overstriding else "")
        + f"Uncertainty {_pm('gait.uncertainty.knee_deg')} (2D pose).",
        measured=knee, threshold=limit, unit="deg", rule=evidence.rule("gait.knee_ic.extended"),
    )


def shank_angle(summary: dict) -> Finding | None:
    shank = summary.get("shank_angle_ic_deg")
    limit = evidence.value("gait.shank_angle_ic.warn")
    if shank is None or shank <= limit:
        return None
    return _make(
        "gait.shank_angle", Severity.LOW, "Your shin is tilted forward at landing",
        f"At contact your ankle is ahead of your knee: shank angle {shank:.0f}° from vertical (heuristic flag above "
        f"{limit}°). A near-vertical shin at landing is the usual target. Uncertainty "
        f"{_pm('gait.uncertainty.knee_deg')}.",
        measured=shank, threshold=limit, unit="deg", rule=evidence.rule("gait.shank_angle_ic.warn"),
    )


def low_cadence(summary: dict, speed_m_s: float | None = None) -> Finding | None:
    cadence = summary.get("cadence_spm")
    if cadence is None:
        return None
    low = evidence.value("gait.cadence.low")
    context = f" at {speed_m_s:.1f} m/s" if speed_m_s else ""
    if cadence >= low:
        return _make(
            "gait.cadence", Severity.INFO, f"Cadence {cadence:.0f} steps/min{context}",
            "Your step rate is within the usual range for recreational runners. " + _cadence_advice(cadence),
            measured=cadence, threshold=low, unit="steps/min", rule=evidence.rule("gait.cadence.increase_pct"),
        )
    return _make(
        "gait.low_cadence", Severity.LOW, "Your step rate is on the low side",
        f"Cadence {cadence:.0f} steps/min{context}, below the usual {low}+ of recreational runners (this depends on "
        "speed and leg length, so compare with your own baseline). " + _cadence_advice(cadence),
        measured=cadence, threshold=low, unit="steps/min", rule=evidence.rule("gait.cadence.low"),
        extra_citations=evidence.rule("gait.cadence.increase_pct").citations,
    )


def trunk_lean(summary: dict) -> Finding | None:
    lean = summary.get("trunk_lean_deg")
    if lean is None:
        return None
    lo, hi = evidence.value("gait.trunk_lean.band")
    if lo <= lean <= hi:
        return None
    more = lean > hi
    return _make(
        "gait.trunk_lean", Severity.LOW, "More forward trunk lean than usual" if more else "Very upright trunk",
        f"Trunk lean at mid-stance is {lean:.0f}° (band {lo}-{hi}°). "
        + ("More forward lean was seen in injured runners and shifts load to the hip. " if more else
           "An upright trunk puts relatively more demand on the knee. ")
        + f"Uncertainty {_pm('gait.uncertainty.trunk_deg')}.",
        measured=lean, threshold=hi if more else lo, unit="deg", rule=evidence.rule("gait.trunk_lean.band"),
    )


def contact_time(summary: dict, fps: float) -> Finding | None:
    ms = summary.get("contact_time_ms")
    if ms is None:
        return None
    lo, hi = evidence.value("gait.contact_time.band")
    if lo <= ms <= hi:
        return None
    return _make(
        "gait.contact_time", Severity.INFO, "Ground contact time outside the usual range",
        f"Contact time {ms:.0f} ms (usual {lo}-{hi} ms). At {fps:.0f} fps one frame is {1000 / fps:.0f} ms, so check "
        "the frame rate before reading much into this.",
        measured=ms, threshold=hi if ms > hi else lo, unit="ms", rule=evidence.rule("gait.contact_time.band"),
    )


def pelvic_drop(summary: dict) -> Finding | None:
    drop = summary.get("pelvic_drop_deg")
    limit = evidence.value("gait.pelvic_drop.warn")
    if drop is None or drop <= limit:
        return None
    return _make(
        "gait.large_pelvic_drop", Severity.MODERATE, "Your pelvis drops on the swing side",
        f"Contralateral pelvic drop {drop:.1f}° (flag above {limit}°). In injured runners this was the strongest "
        f"single marker. Uncertainty {_pm('gait.uncertainty.frontal_deg')} (2D, rear view).",
        measured=drop, threshold=limit, unit="deg", rule=evidence.rule("gait.pelvic_drop.warn"),
    )


def knee_valgus(summary: dict) -> Finding | None:
    fppa = summary.get("knee_fppa_deg")
    limit = evidence.value("gait.knee_fppa.warn")
    if fppa is None or fppa <= limit:
        return None
    return _make(
        "gait.knee_valgus", Severity.LOW, "Your knee moves inward in stance",
        f"Knee frontal-plane projection angle {fppa:.0f}° (screening flag above {limit}°). 2D FPPA only moderately "
        f"reflects 3D knee motion. Uncertainty {_pm('gait.uncertainty.frontal_deg')}.",
        measured=fppa, threshold=limit, unit="deg", rule=evidence.rule("gait.knee_fppa.warn"),
    )


ASYMMETRY_METRICS = ("contact_time_ms", "knee_flexion_ic_deg", "peak_knee_flexion_deg", "overstride_pct_leg",
                     "pelvic_drop_deg")


def asymmetry(asym: dict, view: str) -> list[Finding]:
    limit = evidence.value("gait.asymmetry.warn_pct")
    out = []
    for name in ASYMMETRY_METRICS:
        si = asym.get(name)
        if si is None or si <= limit:
            continue
        out.append(_make(
            "gait.asymmetry", Severity.INFO, f"Left/right difference in {name.replace('_', ' ')}",
            f"Symmetry index {si:.0f} % (flag above {limit} %). "
            + ("Low confidence: from one side camera the far leg is tracked less accurately. " if view == "side"
               else ""),
            measured=si, threshold=limit, unit="%", rule=evidence.rule("gait.asymmetry.warn_pct"),
            details={"metric": name, "confidence": "low" if view == "side" else "moderate"},
        ))
    return out


def gait_findings(summary: dict, view: str, fps: float, speed_m_s: float | None = None) -> list[Finding]:
    """All gait findings for one analysed clip (summary = GaitReport.summary)."""
    found = [
        overstride(summary), extended_knee(summary), shank_angle(summary), low_cadence(summary, speed_m_s),
        trunk_lean(summary), contact_time(summary, fps) if fps >= evidence.value("gait.capture.contact_fps") else None,
        pelvic_drop(summary), knee_valgus(summary),
    ]
    return [f for f in found if f is not None] + asymmetry(summary.get("asymmetry_pct", {}), view)
