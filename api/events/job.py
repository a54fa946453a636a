"""The background job that runs one after-commit subscriber of one event.

The runner gives it its own transaction under the event's raiser's context, rebuilt
as a request would build it now; a subscriber that needs another view (the county's,
for warnings) takes it there, in this transaction, not in the raiser's request."""

from api.events.bus import EVENT_JOB, REGISTRY, from_params
from api.jobs.runner import Outcome, Work, handler


@handler(EVENT_JOB)
def run_subscriber(work: Work) -> Outcome:
    event = from_params(work.params)
    REGISTRY.named(work.params["subscriber"]).handle(work.session, work.access, event)
    return Outcome()
