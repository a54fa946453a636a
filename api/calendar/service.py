"""The pairing's shared calendar: fairs and training sessions, as items and as an
iCalendar (RFC 5545) feed. Times are the bureau's local time (the business clock's zone,
Asia/Shanghai by default), carried with their TZID and the feed's VTIMEZONE."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from icalendar import Calendar, Event, Timezone
from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.calendar import repository
from shared_models.enums import FairStatus, OrgKind

HISTORY_DAYS = 90  # a feed keeps the last quarter, so past entries do not vanish at once


class Side(StrEnum):
    SENDING = "sending"
    RECEIVING = "receiving"


class ItemType(StrEnum):
    FAIR = "fair"
    TRAINING = "training"


@dataclass(frozen=True)
class Item:
    uid: str
    type: ItemType
    side: Side
    title: str
    starts: datetime
    ends: datetime
    location: str
    organizer: str
    link: str
    cancelled: bool = False


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=clock.zone())


def items(
    session: Session,
    access: AccessContext,
    *,
    side: Side | None = None,
    item_type: ItemType | None = None,
    since: date | None = None,
) -> list[Item]:
    since = since or clock.today() - timedelta(days=HISTORY_DAYS)
    out: list[Item] = []
    if item_type in (None, ItemType.FAIR):
        for fair, kind, organizer in repository.fairs(session, access, since):
            if fair.status is FairStatus.DRAFT:
                continue
            out.append(
                Item(
                    uid=f"fair-{fair.id}@laborbridge",
                    type=ItemType.FAIR,
                    side=Side.RECEIVING if kind is OrgKind.RECEIVING else Side.SENDING,
                    title=fair.title,
                    starts=_at(fair.held_on, fair.starts_at),
                    ends=_at(fair.held_on, fair.ends_at),
                    location=fair.venue or fair.online_url or "",
                    organizer=organizer,
                    link=f"/fairs/{fair.id}",
                    cancelled=fair.status is FairStatus.CANCELLED,
                )
            )
    if item_type in (None, ItemType.TRAINING):
        for meeting, training, kind, organizer in repository.sessions(session, access, since):
            out.append(
                Item(
                    uid=f"training-session-{meeting.id}@laborbridge",
                    type=ItemType.TRAINING,
                    side=Side.RECEIVING if kind is OrgKind.RECEIVING else Side.SENDING,
                    title=f"{training.title}{'：' + meeting.topic if meeting.topic else ''}",
                    starts=_at(meeting.held_on, meeting.starts_at),
                    ends=_at(meeting.held_on, meeting.ends_at),
                    location=training.location,
                    organizer=organizer,
                    link=f"/trainings/{training.id}",
                )
            )
    if side is not None:
        out = [i for i in out if i.side is side]
    return sorted(out, key=lambda i: (i.starts, i.uid))


def ics(calendar_items: list[Item], *, name: str, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//LaborBridge//劳务协作平台//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", clock.zone().key)
    stamp = clock.now()
    for item in calendar_items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts)
        event.add("dtend", item.ends)
        event.add("summary", item.title)
        event.add("location", item.location)
        event.add("description", f"{item.organizer}\n{base_url}{item.link}")
        event.add("categories", [item.type.value])
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    # RFC 5545 3.2.19: each TZID a property names has its VTIMEZONE in the feed; an
    # empty feed still carries the bureau's zone, which X-WR-TIMEZONE names.
    calendar.add_missing_timezones()
    if not calendar.timezones:
        calendar.add_component(Timezone.from_tzid(clock.zone().key))
    ical: bytes = calendar.to_ical()
    return ical
