"""San Joaquin County helpline bot: Twilio SMS and voice webhooks that give the right hotline numbers."""
from __future__ import annotations

import gc
import logging

from flask import Flask
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import commands, console, web
from .config import ROOT, configure
from .review import gate
from .store import Store
from .understanding import language_id


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, database and table snapshot, blueprints, commands."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(ROOT / "templates"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    configure(app, test_config)
    if app.config["PROXY_FIX"]:
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)
    store = Store(gate.problems)  # the one safety check, at start-up and on every save
    store.init_app(app)
    snapshot = store.snapshot()
    if snapshot is not None:  # load the language models now, not on a texter's time
        language_id.warm_up(snapshot.table.interpreting, tuple(snapshot.table.languages))
    csrf = CSRFProtect(app)  # every form; Twilio's webhooks are signed instead
    web.init_app(app, csrf)
    console.init_app(app)
    commands.init_app(app)
    if not app.testing:  # tests build many apps in one process: left as they are
        _freeze_start_up()
    return app


def _freeze_start_up() -> None:
    """Keep what start-up made out of the garbage collector's full collections.

    Modules, the table and the models (about 180,000 objects) live as long as the process, yet every
    full collection walked all of them and held up the request behind it for 130-170 ms
    (docs/bench.md, third pass); frozen, a full collection walks only what came since.
    """
    gc.freeze()
