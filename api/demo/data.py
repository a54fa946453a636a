"""The demo tenants, pairings and accounts, echoing the seed reports.

Names and region codes are real (GB/T 2260); targets are illustrative figures in the
order of what the reports say (巫山 2021: 300 trained; 开州: 350 trained, 100+ moved to
Shandong).
"""

from dataclasses import dataclass, field

DEMO_PASSWORD = "LaborBridge-demo-2026"  # noqa: S105 - printed for demo sign-in on purpose


@dataclass(frozen=True)
class DemoOrg:
    key: str
    kind: str
    name: str
    region: str


@dataclass(frozen=True)
class DemoPairing:
    sending: str
    receiving: str
    year: int
    liaison: DemoOrg
    targets: dict[str, int] = field(default_factory=dict)
    target_year: int = 2021


BUREAUS = [
    DemoOrg("wushan", "sending", "巫山县人社局", "500237"),
    DemoOrg("yantai", "receiving", "烟台市人社局", "370600"),
    DemoOrg("kaizhou", "sending", "开州区就业和人才中心", "500154"),
    DemoOrg("weifang", "receiving", "潍坊市人社局", "370700"),
]

# The level above the two Chongqing counties: it reads their figures and signs off
# their weekly, 旬 and monthly reports, and never sees a person.
SUPERVISORS = [DemoOrg("chongqing", "supervising", "重庆市人力资源和社会保障局", "500000")]
SUPERVISIONS = [("chongqing", "wushan"), ("chongqing", "kaizhou")]

PAIRINGS = [
    DemoPairing(
        "wushan",
        "yantai",
        2020,
        DemoOrg("wushan.yantai", "liaison", "巫山县驻烟台劳务办事处", "370600"),
        {
            "laborers_transferred": 1000,
            "poverty_laborers_transferred": 400,
            "people_trained": 300,
            "fairs_held": 2,
            "positions_offered": 6000,
        },
    ),
    DemoPairing(
        "kaizhou",
        "weifang",
        2018,
        DemoOrg("kaizhou.weifang", "liaison", "开州区驻潍坊劳务工作站", "370700"),
        {
            "laborers_transferred": 120,
            "poverty_laborers_transferred": 100,
            "people_trained": 350,
            "fairs_held": 3,
            "positions_offered": 3000,
        },
        target_year=2020,
    ),
]

# (username suffix, role, may reveal personal data, display title)
ACCOUNTS = [("admin", "admin", True, "管理员"), ("staff", "staff", False, "工作人员")]

# One person working for two tenants, to show the tenant switcher.
EXTRA_MEMBERSHIPS = [("wushan.admin", "wushan.yantai", "viewer")]
