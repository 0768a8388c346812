"""kneeguard: load, gait and clinical factors behind posterior knee pain in runners."""

__version__ = "0.1.0"
