"""``mlgov serve``: the HTTP vending service (FastAPI app, SQLAlchemy store, worker pool, auth, audit).

It calls the automation layer (:mod:`mlgov.automation`), never the engine's
internals: a preview or an apply here is what ``Platform`` does.
"""
