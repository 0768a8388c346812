"""Text from users and files made safe to store and to print on one terminal line.

Names, labels and file names can carry newlines or terminal escape codes (ESC [ ...),
which would split a one-line message or repaint a user's terminal. Control characters
(Unicode category Cc: C0, DEL, C1), line/paragraph separators and the bidirectional
overrides that make text display in another order than it is stored all count.
"""
from __future__ import annotations

import re
import unicodedata

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_RUNS_OF_SPACE = re.compile(r"\s+")


def is_control(ch: str) -> bool:
    """True for a character that moves the cursor, changes the terminal or reorders text."""
    return ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def has_control_characters(text: str) -> bool:
    return any(is_control(ch) for ch in text)


def without_control_characters(text: str) -> str:
    """`text` with each control character replaced by a space, runs of space collapsed, stripped."""
    if not has_control_characters(text):
        return text.strip()
    spaced = "".join(" " if is_control(ch) else ch for ch in text)
    return _RUNS_OF_SPACE.sub(" ", spaced).strip()


def storable(text: str) -> str:
    """`text` as valid Unicode: a file name the file system gave as undecodable bytes (lone surrogates, e.g.
    a Latin-1 'café' on a UTF-8 system) gets U+FFFD for them, so a database and a terminal can take it."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:  # bytes the file system could not decode came back as U+DC80-U+DCFF: one U+FFFD each
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # any other lone surrogate
            return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def one_line(text: str) -> str:
    """`text` for a one-line message: control characters shown escaped (\\n, \\x1b), never acted on."""
    if not has_control_characters(text):
        return text
    return "".join(ch.encode("unicode_escape").decode("ascii") if is_control(ch) else ch for ch in text)


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c': a list in running text."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}" if items else ""


def sentence(clause: str) -> str:
    """A lower-case clause as a sentence of its own: 'see a professional' -> 'See a professional.' ('' stays '')."""
    return f"{clause[:1].upper()}{clause[1:]}." if clause else ""
