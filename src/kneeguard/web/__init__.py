"""The local web app (issue 6): server-rendered pages over the same library calls as the CLI.

    from kneeguard.web import create_app
    app = create_app(home="/path/to/data")   # then serve with uvicorn
"""
from kneeguard.web.app import create_app

__all__ = ["create_app"]
