"""Display names of enumerations (English msgids; the catalog has the Chinese)."""

from enum import StrEnum

from api.i18n import _, gettext
from shared_models.enums import OrgKind, OrgStatus, PairingMetric, Role

LABELS: dict[StrEnum, str] = {
    OrgKind.SENDING: _("Sending-county bureau"),
    OrgKind.RECEIVING: _("Receiving-city bureau"),
    OrgKind.LIAISON: _("Liaison office"),
    OrgStatus.ACTIVE: _("Active"),
    OrgStatus.SUSPENDED: _("Suspended"),
    Role.ADMIN: _("Administrator"),
    Role.STAFF: _("Staff"),
    Role.VIEWER: _("Viewer"),
    PairingMetric.LABORERS_TRANSFERRED: _("Laborers transferred"),
    PairingMetric.POVERTY_LABORERS_TRANSFERRED: _("Of whom poverty-lifted"),
    PairingMetric.PEOPLE_TRAINED: _("People trained"),
    PairingMetric.FAIRS_HELD: _("Joint fairs held"),
    PairingMetric.POSITIONS_OFFERED: _("Positions offered"),
}


def label(value: StrEnum | None) -> str:
    if value is None:
        return ""
    msgid = LABELS.get(value)
    return gettext(msgid) if msgid else str(value)
