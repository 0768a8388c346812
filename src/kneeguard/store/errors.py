"""Errors the store raises for things a user named that do not exist."""
from __future__ import annotations


class NotFoundError(LookupError):
    """Base for unknown athlete / shoe / activity; the message says what and which."""

    def __str__(self) -> str:  # LookupError would quote a single argument
        return str(self.args[0]) if self.args else super().__str__()


class UnknownAthlete(NotFoundError):
    pass


class UnknownShoe(NotFoundError):
    pass


class UnknownActivity(NotFoundError):
    pass
