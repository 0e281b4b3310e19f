"""A local web app over the library, for practitioners who do not use a terminal.

``cop-eval serve`` runs :func:`create_app` with uvicorn on 127.0.0.1. The pages call the library
(import, store, scoring, comparison, report); the web layer computes no statistics.
"""

from cop_eval.web.app import DEFAULT_MAX_UPLOAD_BYTES, create_app

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "create_app"]
