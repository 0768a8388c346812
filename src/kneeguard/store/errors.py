"""Errors the store raises for things a user named that do not exist."""
from __future__ import annotations

from kneeguard.errors import NotFound


class NotFoundError(NotFound):
    """Base for unknown athlete / shoe / activity; the message says what and which."""


class UnknownAthlete(NotFoundError):
    pass


class UnknownShoe(NotFoundError):
    pass


class UnknownActivity(NotFoundError):
    pass
