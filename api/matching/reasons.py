"""Each reason code of a match explanation as a sentence in the request's language."""

from typing import Any

from api.i18n import _, gettext
from api.labels import label
from api.matching.criteria import Check
from shared_models.enums import (
    Education,
    EmploymentStatus,
    EntryThreshold,
    SkillLevel,
    TransferScope,
)

SENTENCES = {
    # hard filters
    "available": _("Looking for work"),
    "not_available": _("Not looking for work ({status})"),
    "age_ok": _("Age {age} fits"),
    "age_outside": _("Age {age} is outside {min}–{max}"),
    "education_ok": _("Education fits"),
    "education_below": _("Needs {required}; has {education}"),
    "place_ok": _("Within their transfer intention"),
    "place_outside_intention": _("Outside their transfer intention"),
    # criteria
    "occupation": _("Occupation {occupation} is one of their skills"),
    "skill": _("Has the asked skill {skills}"),
    "industry": _("Prefers the industry {industry}"),
    "no_skill_match": _("No matching skill for {occupation}"),
    "preferred_city": _("{city} is a city they prefer"),
    "home_county": _("Work in their home county"),
    "home_province": _("{city} is in their home province"),
    "elsewhere": _("{city} is not a city they named"),
    "no_expectation": _("No wage expectation given; pays {min}–{max} yuan"),
    "wage_meets": _("Pays {min}–{max} yuan; expects {expected}"),
    "wage_in_range": _("Expects {expected} yuan, within {min}–{max}"),
    "wage_below": _("Expects {expected} yuan, above the {max} on offer"),
    "threshold_met": _("{threshold}; skill level {level}"),
    "threshold_short": _("{threshold}; skill level only {level}"),
    "lives_at_home": _("Lives at home"),
    "housing_provided": _("Housing provided"),
    "no_housing": _("No housing provided away from home"),
}
_ENUMS = {
    "status": EmploymentStatus,
    "education": Education,
    "required": Education,
    "threshold": EntryThreshold,
    "level": SkillLevel,
    "scope": TransferScope,
}


def _shown(name: str, value: Any) -> Any:
    if value is None:
        return gettext("any") if name in ("min", "max") else gettext("unknown")
    if name in _ENUMS and isinstance(value, str):
        return label(_ENUMS[name](value))
    return value


def sentence(check: Check) -> str:
    values = {name: _shown(name, value) for name, value in check.values.items()}
    return gettext(SENTENCES[check.reason], **values)
