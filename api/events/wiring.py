"""Every domain's subscribers, registered once per process: by `create_app` (the web
service and its worker threads) and by `laborbridge worker`. A new subscribing domain
adds its module here."""

from api.events import job  # noqa: F401  (registers the job kind that runs after commit)
from api.events.bus import REGISTRY
from api.placements import subscribers as placement_subscribers
from api.warnings import subscribers as warning_subscribers


def wire() -> None:
    if REGISTRY.wired:
        return
    placement_subscribers.register(REGISTRY)
    warning_subscribers.register(REGISTRY)
    REGISTRY.wired = True
