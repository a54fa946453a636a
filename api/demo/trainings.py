"""Demo trainings: the 巫山 中式面点师 pre-job course of the seeds (finished, most
completed), a 巫山 茶艺师 course about to start (full, with a waitlist), and a 开州
中式面点师 course taught by a visiting master from 潍坊. Enrollees come from each
county's training-need roster, through the service as a form would."""

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.demo import seeded
from api.demo.subsidies import _as_user
from api.trainings import enrollment, repository, service
from shared_models import Training
from shared_models.enums import Role, TrainingType


def _course(
    session: Session,
    access: AccessContext,
    *,
    sessions: int,
    hours: tuple[time, time] = (time(8, 30), time(11, 30)),
    **values: Any,
) -> Training:
    training = service.create(session, access, service.TrainingInput(**values))
    for day in range(sessions):
        service.add_session(
            session,
            access,
            training.id,
            held_on=training.starts_on + timedelta(days=day * 2),
            starts_at=hours[0],
            ends_at=hours[1],
            topic=None,
        )
    return training


def _enroll(session: Session, access: AccessContext, training: Training, count: int) -> list[Any]:
    laborers = repository.suggestions(session, access, training, limit=count)
    if not laborers:
        return []
    # A week before the start, as a county would have (never after today).
    day = min(clock.today(), training.starts_on - timedelta(days=7))
    return enrollment.enroll(
        session, access, training.id, [lab.id for lab in laborers], enrolled_on=day
    )


def load(
    session: Session, names: dict[str, str], progress: Callable[[str], None], today: date
) -> None:
    progress("技能培训 / trainings")
    wushan = seeded.bureau(session, names["wushan"])
    yantai = seeded.bureau(session, names["yantai"])
    kaizhou = seeded.bureau(session, names["kaizhou"])
    weifang = seeded.bureau(session, names["weifang"])

    access = _as_user(session, wushan.id, "wushan.admin", Role.ADMIN)
    start = today - timedelta(days=75)
    pastry = _course(
        session,
        access,
        sessions=6,
        title="鲁渝协作 中式面点师岗前培训（巫山班）",
        occupation="中式面点师",
        occupation_code="4-03-02-02",
        training_type=TrainingType.PRE_JOB,
        provider="巫山县职业教育中心",
        location="巫山县职业教育中心实训楼",
        starts_on=start,
        ends_on=start + timedelta(days=14),
        capacity=30,
        teachers=[
            {"name": "孙立平", "origin": "烟台面点大师"},
            {"name": "冉小琴", "origin": "巫山县职教中心"},
        ],
        subsidy_amount=1200,
        subsidy_payer_id=wushan.id,
        co_organizer_id=yantai.id,
    )
    rows = _enroll(session, access, pastry, 24)
    for index, row in enumerate(rows):
        if index % 8 == 7:
            enrollment.withdraw(
                session, access, pastry.id, row.id, reason="外出务工", today=pastry.starts_on
            )
    for index, row in enumerate(rows):
        if row.status.value == "enrolled" and index % 6 != 5:
            enrollment.complete(
                session,
                access,
                pastry.id,
                row.id,
                assessment_result="合格",
                certificate_number=f"CQ2021MD{index + 1:04d}",
                completed_on=pastry.ends_on,
            )

    tea = _course(
        session,
        access,
        sessions=4,
        hours=(time(14, 0), time(17, 0)),
        title="茶艺师技能提升培训",
        occupation="茶艺师",
        occupation_code="4-03-02-07",
        training_type=TrainingType.UPGRADE,
        provider="巫山县茶叶产业协会",
        location="巫山县巫峡镇茶艺实训室",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=20),
        capacity=12,
        teachers=[{"name": "向春燕", "origin": "巫山县高级茶艺师"}],
        subsidy_amount=800,
        subsidy_payer_id=wushan.id,
    )
    _enroll(session, access, tea, 16)

    access = _as_user(session, kaizhou.id, "kaizhou.admin", Role.ADMIN)
    start = today - timedelta(days=40)
    course = _course(
        session,
        access,
        sessions=5,
        title="鲁渝协作 中式面点师培训（开州班）",
        occupation="中式面点师",
        occupation_code="4-03-02-02",
        training_type=TrainingType.PRE_JOB,
        provider="开州区就业训练中心",
        location="开州区汉丰街道就业训练中心",
        starts_on=start,
        ends_on=start + timedelta(days=10),
        capacity=25,
        teachers=[{"name": "李德明", "origin": "潍坊面点大师"}],
        subsidy_amount=1000,
        subsidy_payer_id=kaizhou.id,
        co_organizer_id=weifang.id,
    )
    rows = _enroll(session, access, course, 20)
    for index, row in enumerate(rows[:15]):
        enrollment.complete(
            session,
            access,
            course.id,
            row.id,
            assessment_result="优秀" if index % 4 == 0 else "合格",
            certificate_number=f"CQ2021KZ{index + 1:04d}",
            completed_on=course.ends_on,
        )
