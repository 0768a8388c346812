"""docs/library.md's examples run as written: every ```python block, in order, in one namespace (a research
engineer found no page on using kneeguard as a library)."""
from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "library.md"


def test_every_example_runs_in_order():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"docs/library.md block {number}", "exec"), namespace)  # noqa: S102 - our own docs
    assert namespace["plan"].days and namespace["report"].weekly is not None


def test_analyze_load_takes_an_iso_day_and_refuses_anything_else_by_name():
    import pytest

    from kneeguard.errors import InvalidInput
    from kneeguard.load import analyze_load

    assert analyze_load(None, None, "2017-06-30").as_of.isoformat() == "2017-06-30"
    with pytest.raises(InvalidInput, match="as_of must be a date or 'YYYY-MM-DD', got '30/06/2017'"):
        analyze_load(None, None, "30/06/2017")
    with pytest.raises(InvalidInput, match="got int"):
        analyze_load(None, None, 20170630)
