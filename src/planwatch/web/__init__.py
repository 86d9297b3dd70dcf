"""The web: staff console, public portal and JSON API (FastAPI, server-rendered pages).

`create_app()` builds the app; `planwatch serve` runs it.
"""

from planwatch.web.app import create_app

__all__ = ["create_app"]
