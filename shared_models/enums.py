"""Enumerations stored as plain strings (portable across SQLite and PostgreSQL)."""

from enum import StrEnum


class OrgKind(StrEnum):
    SENDING = "sending"  # 输出地人社局
    RECEIVING = "receiving"  # 输入地人社局
    LIAISON = "liaison"  # 驻外劳务办事处
    # 监管单位: a city bureau or a 协作办 over a set of bureaus. It reads their figures
    # and reports, and signs reports off; it never reads a person's record.
    SUPERVISING = "supervising"


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


# --- labor supply (一库N册) -------------------------------------------------------------


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class PovertyStatus(StrEnum):
    REGISTERED_POOR = "registered_poor"  # 建档立卡贫困户
    LIFTED = "lifted"  # 脱贫户
    MONITORED = "monitored"  # 监测对象
    DIBAO = "dibao"  # 低保
    TEKUN = "tekun"  # 特困
    NONE = "none"  # 无


class Education(StrEnum):
    PRIMARY = "primary"  # 小学及以下
    JUNIOR_HIGH = "junior_high"  # 初中
    SENIOR_HIGH = "senior_high"  # 高中/中专/技校
    COLLEGE = "college"  # 大专
    BACHELOR = "bachelor"  # 本科及以上


class HealthStatus(StrEnum):
    HEALTHY = "healthy"  # 健康
    CHRONIC = "chronic"  # 慢性病
    SERIOUS_ILLNESS = "serious_illness"  # 大病
    DISABLED = "disabled"  # 残疾


class EmploymentStatus(StrEnum):
    """五清: 就业状态."""

    EMPLOYED = "employed"  # 已就业
    SELF_EMPLOYED = "self_employed"  # 自主创业
    FARMING = "farming"  # 务农
    UNEMPLOYED = "unemployed"  # 未就业
    STUDENT = "student"  # 在校学生
    UNABLE = "unable"  # 无劳动能力


class EmploymentNeed(StrEnum):
    """五清: 就业需求."""

    JOB = "job"  # 就业岗位
    TRAINING = "training"  # 技能培训
    ENTREPRENEURSHIP = "entrepreneurship"  # 创业扶持
    NONE = "none"  # 暂无需求


class SkillLevel(StrEnum):
    """五清: 技能水平."""

    NONE = "none"  # 无技能
    BASIC = "basic"  # 初级
    INTERMEDIATE = "intermediate"  # 中级
    ADVANCED = "advanced"  # 高级及以上


class EmploymentDifficulty(StrEnum):
    """五清: 就业困难."""

    NONE = "none"  # 无
    LACKS_SKILLS = "lacks_skills"  # 缺乏技能
    AGE = "age"  # 年龄偏大
    HEALTH = "health"  # 身体原因
    FAMILY_CARE = "family_care"  # 家庭照护
    LACKS_INFORMATION = "lacks_information"  # 缺乏岗位信息
    OTHER = "other"  # 其他


class AssistanceMeasure(StrEnum):
    """五清: 帮扶对策."""

    JOB_REFERRAL = "job_referral"  # 岗位推荐
    SKILL_TRAINING = "skill_training"  # 技能培训
    ENTREPRENEURSHIP_SUPPORT = "entrepreneurship_support"  # 创业扶持
    PUBLIC_WELFARE_POST = "public_welfare_post"  # 公益性岗位
    EMPLOYMENT_AID = "employment_aid"  # 就业援助
    NONE = "none"  # 暂无


class TransferScope(StrEnum):
    """How far a laborer is willing to go for work."""

    IN_COUNTY = "in_county"  # 县内
    IN_PROVINCE = "in_province"  # 省内
    OUT_OF_PROVINCE = "out_of_province"  # 省外


class WorkScope(StrEnum):
    """Where a laborer works, against the household's county (转移就业范围)."""

    IN_DISTRICT = "in_district"  # 区内
    IN_CITY = "in_city"  # 区外市内
    OUT_OF_CITY = "out_of_city"  # 市外


class StateSource(StrEnum):
    """Where a derived registry value came from (the latest fact by date wins)."""

    RECORD = "record"  # entered on the record (registration, import or an edit)
    SURVEY = "survey"  # a 五清 survey of a date
    PLACEMENT = "placement"  # a placement's start or end
    TRAINING = "training"  # a training completed with a certificate


class TagKind(StrEnum):
    """List-valued facts about a laborer, kept one per row for search and matching."""

    SKILL = "skill"  # 技能 (with occupation code where known)
    CERTIFICATE = "certificate"  # 证书
    CITY = "city"  # 意向城市
    INDUSTRY = "industry"  # 意向行业
    TRAINING = "training"  # 培训需求


class ImportStatus(StrEnum):
    PREVIEWED = "previewed"
    COMMITTED = "committed"
    REJECTED = "rejected"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SnapshotReason(StrEnum):
    """Why a period's figures were frozen."""

    SCHEDULED = "scheduled"  # the nightly run, once per period that has ended
    SUBMITTED = "submitted"  # a county submitted its report for the period
    MANUAL = "manual"  # asked for by hand (may be of a period under way)


class ReportStatus(StrEnum):
    """Where a bureau's period report (周统计、旬分析、月调度) stands with its supervisor."""

    SUBMITTED = "submitted"  # waiting for the supervisor
    ACCEPTED = "accepted"
    RETURNED = "returned"  # sent back with a reason; the bureau corrects and resubmits


# --- demand pool, matching, referrals -------------------------------------------------


class EmployerSize(StrEnum):
    MICRO = "micro"  # 20 人以下
    SMALL = "small"  # 20–99 人
    MEDIUM = "medium"  # 100–299 人
    LARGE = "large"  # 300–999 人
    HUGE = "huge"  # 1000 人以上


class EntryThreshold(StrEnum):
    """入职门槛."""

    NONE = "none"  # 无门槛
    LOW = "low"  # 低门槛
    SKILLED = "skilled"  # 需技能


class VacancyStatus(StrEnum):
    OPEN = "open"  # 招聘中
    PAUSED = "paused"  # 暂停
    FILLED = "filled"  # 已招满
    EXPIRED = "expired"  # 已过期


class ReferralStatus(StrEnum):
    RECOMMENDED = "recommended"  # 已推荐
    INTERVIEWED = "interviewed"  # 已面试
    OFFERED = "offered"  # 已录用待入职
    HIRED = "hired"  # 已入职
    DECLINED = "declined"  # 未成功
    WITHDRAWN = "withdrawn"  # 已撤回


class PlacementChannel(StrEnum):
    ORGANIZED = "organized"  # 有组织转移（协作渠道）
    SELF_FOUND = "self_found"  # 自主就业
    PUBLIC_POST = "public_post"  # 公益性岗位
    WORKSHOP = "workshop"  # 扶贫车间


class SeparationReason(StrEnum):
    QUIT = "quit"  # 主动离职
    DISMISSED = "dismissed"  # 被辞退
    CONTRACT_ENDED = "contract_ended"  # 合同期满
    INJURY_OR_ILLNESS = "injury_or_illness"  # 伤病
    FAMILY = "family"  # 家庭原因
    OTHER = "other"  # 其他


class EvidenceSource(StrEnum):
    LIAISON_VISIT = "liaison_visit"  # 驻外工作站走访
    EMPLOYER = "employer"  # 用人单位确认
    SOCIAL_INSURANCE = "social_insurance"  # 社保缴费记录
    PAYROLL = "payroll"  # 工资发放记录


class PolicyKind(StrEnum):
    ON_TRANSFER = "on_transfer"  # 一次性（转移就业时）
    MILESTONE = "milestone"  # 一次性（稳定就业满N个月）
    MONTHLY = "monthly"  # 按月（满N个月起，封顶）


class ClaimStatus(StrEnum):
    RAISED = "raised"  # 已申报
    VERIFIED = "verified"  # 已核实
    APPROVED = "approved"  # 已审批
    BATCHED = "batched"  # 已列入发放批次
    PAID = "paid"  # 已发放
    REJECTED = "rejected"  # 已退回


class BatchStatus(StrEnum):
    OPEN = "open"  # 编制中
    EXPORTED = "exported"  # 已交财务
    PAID = "paid"  # 已发放


class FairMode(StrEnum):
    OFFLINE = "offline"  # 线下
    ONLINE = "online"  # 线上
    BOTH = "both"  # 线上线下同步


class FairStatus(StrEnum):
    DRAFT = "draft"  # 筹备中
    PUBLISHED = "published"  # 已发布
    ONGOING = "ongoing"  # 进行中
    FINISHED = "finished"  # 已结束
    CANCELLED = "cancelled"  # 已取消


class IntentionOutcome(StrEnum):
    INTERVIEWED = "interviewed"  # 现场面试
    AGREED = "agreed"  # 达成就业意向


class TrainingType(StrEnum):
    PRE_JOB = "pre_job"  # 岗前培训
    UPGRADE = "upgrade"  # 技能提升
    APPRENTICESHIP = "apprenticeship"  # 学徒制
    WORK_AS_TRAINING = "work_as_training"  # 以工代训
    ENTREPRENEURSHIP = "entrepreneurship"  # 创业培训


class EnrollmentStatus(StrEnum):
    ENROLLED = "enrolled"  # 在训
    WAITLISTED = "waitlisted"  # 候补
    COMPLETED = "completed"  # 已结业
    WITHDRAWN = "withdrawn"  # 已退出


class CaseKind(StrEnum):
    VISIT = "visit"  # 节日慰问 / 走访
    HARDSHIP_AID = "hardship_aid"  # 困难帮扶
    ONBOARDING = "onboarding"  # 入职援助
    DISPUTE = "dispute"  # 劳动纠纷


class CaseStatus(StrEnum):
    OPEN = "open"  # 待办
    IN_PROGRESS = "in_progress"  # 办理中
    RESOLVED = "resolved"  # 已解决
    REFERRED = "referred"  # 已移交
    CLOSED = "closed"  # 已结案


class DisputeKind(StrEnum):
    UNPAID_WAGES = "unpaid_wages"  # 工资纠纷
    WORK_INJURY = "work_injury"  # 工伤鉴定
    CONTRACT = "contract"  # 劳动合同
    OTHER = "other"  # 其他


class WarningRule(StrEnum):
    """预警: why a laborer is flagged."""

    LEFT_BEFORE_MILESTONE = "left_before_milestone"  # 未满补贴期离岗
    UNVERIFIED = "unverified"  # 长期未核实在岗
    OPEN_DISPUTE = "open_dispute"  # 纠纷久拖未决
    LEAVE_OVERDUE = "leave_overdue"  # 返乡逾期未返岗
    IDLE_WILLING = "idle_willing"  # 有转移意愿但长期失业
    EMPLOYER_DISPUTES = "employer_disputes"  # 用工单位纠纷多发


class WarningSeverity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class WarningStatus(StrEnum):
    OPEN = "open"  # 待处理
    ACKNOWLEDGED = "acknowledged"  # 已知悉
    CLOSED = "closed"  # 已关闭


class WarningCloseReason(StrEnum):
    RESOLVED = "resolved"  # the cause went away
    BY_HAND = "by_hand"  # closed with a note
    ANSWERED = "answered"  # a visit was logged for it
