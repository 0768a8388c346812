"""Terminal commands named in advice texts become links to the web page that does the same thing.

The advice is shared by the terminal, the report and the web app, and its texts name the command to run
(`kneeguard shoes add NAME`). On a web page, telling someone to open a terminal is no help: the Jinja
filter `web_actions` escapes the text and replaces each such command (with the "run"/"then" before it)
by a link. This table is the one place that says which page does what each command does; a test reads
every command the advice sources can name and checks that it has a page here.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# command (the words after `kneeguard`, before any UPPER-CASE argument) -> (page, link text)
WEB_ACTIONS: dict[str, tuple[str, str]] = {
    "checkin": ("/checkin", "the check-in page"),
    "gait": ("/gait", "the Gait page (upload the video)"),
    "shoes add": ("/shoes#add-shoe", "the Shoes page (add a shoe)"),
    "shoes": ("/shoes", "the Shoes page"),
    "report": ("/report", "the Report page"),
    "import": ("/import", "the Import page"),
    "plan": ("/plan", "the Plan page"),
    "plan tick": ("/plan", "the Plan page (tick it off)"),
    "plan edit": ("/plan/edits", "the plan's edit page"),
    "selftests": ("/selftests", "the Self-tests page"),
    "explain": ("/explain", "the Explain page"),
    "load": ("/load", "the Load page"),
    "athlete set": ("/profile", "the Profile page"),
}

# `kneeguard words ARGS` in backticks (how advice texts name a command), with "run"/"then" before it.
COMMAND = re.compile(r"(?P<verb>\b(?:then run|run|then) )?`kneeguard (?P<command>[^`]*)`")
VERBS = {"run ": "use ", "then run ": "then use ", "then ": "then use "}


def command_words(command: str) -> str:
    """The command part of `kneeguard shoes add NAME --x`: the lower-case words before any argument."""
    words = []
    for word in command.split():
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        words.append(word)
    return " ".join(words)


def web_action(command: str) -> tuple[str, str] | None:
    """(page, link text) for a command, the longest known command first; None when the web has none."""
    words = command_words(command).split()
    while words:
        found = WEB_ACTIONS.get(" ".join(words))
        if found:
            return found
        words.pop()
    return None


# Command-line options a shared text names, as the web form that does the same calls it.
SLOWMO_EXAMPLE = re.compile(r"\(e\.g\. --slowmo (\d+)")
SLOWMO_OPTION = re.compile(r"--slowmo(?: FACTOR)?")


def web_options(text: str) -> str:
    """`text` with `--slowmo` named as the gait upload form's "Slow motion" field (the web has no options)."""
    text = SLOWMO_EXAMPLE.sub(r"(e.g. \1", text)
    return SLOWMO_OPTION.sub('the "Slow motion" field', text)


def web_actions(text: object) -> Markup:
    """`text`, escaped, with each terminal command it names turned into a link to its web page (and each
    command-line option it names as its web field, `web_options`)."""
    text = web_options("" if text is None else str(text))
    out, last = [], 0
    for match in COMMAND.finditer(text):
        found = web_action(match.group("command"))
        if found is None:
            continue
        href, label = found
        out.append(escape(text[last:match.start()]))
        verb = VERBS.get(match.group("verb") or "", "")
        out.append(Markup('{}<a href="{}">{}</a>').format(verb, href, label))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def command_link(how: object) -> Markup:
    """A bare command such as `MissingPart.how` ("kneeguard checkin (answer the self-test questions)"):
    the link to its page, with any words in brackets after it; the text as it is when the web has none."""
    how = "" if how is None else str(how)
    found = web_action(how.removeprefix("kneeguard ")) if how.startswith("kneeguard ") else None
    if found is None:
        return escape(how)
    note = how[how.index("("):] if "(" in how else ""
    return Markup('<a href="{}">{}</a>{}').format(found[0], found[1], " " + note if note else "")
