"""Enumerations stored as plain strings (portable across SQLite and PostgreSQL)."""

from enum import StrEnum


class OrgKind(StrEnum):
    SENDING = "sending"  # 输出地人社局
    RECEIVING = "receiving"  # 输入地人社局
    LIAISON = "liaison"  # 驻外劳务办事处


class OrgStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    VIEWER = "viewer"


class Permission(StrEnum):
    """Fine-grained rights on top of roles; `pii.reveal` is granted per membership."""

    READ = "read"
    WRITE = "write"
    MANAGE_MEMBERS = "members.manage"
    READ_AUDIT = "audit.read"
    REVEAL_PII = "pii.reveal"


class TokenKind(StrEnum):
    ACCESS = "access"  # short-lived, from the OAuth2 password form
    PERSONAL = "personal"  # long-lived, listed and revocable by its owner


class PairingMetric(StrEnum):
    """Annual targets written into a pairing agreement (协作协议年度目标)."""

    LABORERS_TRANSFERRED = "laborers_transferred"  # 转移就业人数
    POVERTY_LABORERS_TRANSFERRED = "poverty_laborers_transferred"  # 其中脱贫人口
    PEOPLE_TRAINED = "people_trained"  # 培训人次
    FAIRS_HELD = "fairs_held"  # 联合招聘会场次
    POSITIONS_OFFERED = "positions_offered"  # 提供岗位数
