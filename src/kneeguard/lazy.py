"""Lazy re-exports for a package's `__init__`: `from kneeguard.advice import advise` still works, but importing
the package (or any of its small submodules) no longer imports every submodule and the heavy libraries behind
them (pandas, numpy). That keeps light commands such as `kneeguard --help` fast to start (issue 18).

    __getattr__, __dir__ = lazy_exports(__name__, {"advise": "engine", "write_ics": "ics"})
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, where: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module `__getattr__` and `__dir__` (PEP 562) of `package`, which re-exports each name of `where`
    from the submodule named next to it, importing that submodule on first use; a name that maps to itself
    is that submodule (`{"shoes": "shoes"}`)."""

    def __getattr__(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(f"{package}.{where[name]}")
        return module if where[name] == name else getattr(module, name)

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__
