"""Receiving uploads: the size limit, safe generated names, streaming to disk in chunks.

A file is always saved under a name the server makes (an index or fixed stem plus a
cleaned-up extension), never under the client's path, so an upload cannot land outside
its folder whatever its name says.
"""
from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from kneeguard.errors import UserError

CHUNK = 1024 * 1024


class UploadTooLarge(UserError):
    """An upload over the server's size limit."""

    http_status = 413


def limit_bytes(request: Request) -> int:
    return request.app.state.max_upload_bytes


def limit_mb(request: Request) -> str:
    return f"{limit_bytes(request) / 1024 / 1024:g}"


def declared_too_large(request: Request) -> bool:
    """Whether the body's declared length is over the limit (checked before reading a huge body)."""
    declared = request.headers.get("content-length", "")
    return declared.isdigit() and int(declared) > limit_bytes(request) + CHUNK


async def save_upload(upload: UploadFile, target: Path, limit: int, used: int = 0) -> int:
    """Stream `upload` to `target`; returns `used` plus its size; UploadTooLarge past `limit` in all."""
    total = used
    with target.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise UploadTooLarge
            out.write(chunk)
    return total


def safe_name(client_name: str) -> str:
    """The last path part with only harmless characters; keeps the extension that selects the reader."""
    base = re.split(r"[\\/]", client_name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    return cleaned[-120:] or "upload"


def shown_name(client_name: str, limit: int = 200) -> str:
    """The client's file name as a page may show it (last path part, no control characters)."""
    base = re.split(r"[\\/]", client_name or "")[-1]
    return "".join(ch for ch in base if ch.isprintable())[:limit] or "upload"
