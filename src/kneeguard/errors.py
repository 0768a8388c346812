"""The one base class for problems a user can fix, and how each front end shows them.

A `UserError` is something wrong with what the user gave or asked for (a file, an
answer, a name, an option). The CLI prints its one line and exits with code 2; the
web app shows it on an error page with `http_status`. Every other exception is a
bug and must surface as one: a 500 with a logged traceback in the web app, and in
the CLI a one-line "internal error" (the traceback with `--debug`).

`InvalidInput` and `NotFound` also derive from ValueError / LookupError so that
library callers who catch those keep working; front ends catch `UserError` only,
so a stray ValueError or KeyError from kneeguard's own code is never mistaken
for the user's mistake.
"""
from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; its message is one line naming what and which."""

    http_status = 400

    def __str__(self) -> str:  # KeyError/LookupError would quote a single argument
        return str(self.args[0]) if self.args else self.__class__.__name__


class InvalidInput(UserError, ValueError):
    """A value, file or option the user gave is not usable."""


class NotFound(UserError, LookupError):
    """Something the user named (athlete, shoe, activity, page) does not exist."""

    http_status = 404
