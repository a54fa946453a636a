"""The candidate on a referral as this tenant may see them: masked where the referral
does not show identity. Shared by the referral router and the pages' boards."""

from datetime import date

from api.access import AccessContext
from api.matching.criteria import age_on
from api.referrals import service
from api.referrals.schemas import Candidate
from api.security.masking import mask_name
from api.supply.convert import tag_values
from shared_models import Referral
from shared_models.validators import region_name


def candidate(access: AccessContext, referral: Referral, today: date) -> Candidate:
    laborer = referral.laborer
    lists = tag_values(laborer.tags)
    identified = service.shows_identity(access, referral)
    return Candidate(
        id=laborer.id,
        name=laborer.name if identified else mask_name(laborer.name),
        masked=not identified,
        sex=laborer.sex,
        age=age_on(laborer.birth_date, today),
        county=region_name(laborer.region_code) or laborer.region_code,
        education=laborer.education,
        skill_level=laborer.skill_level,
        skills=[o.text() for o in lists["skills"]],
        certificates=list(lists["certificates"]),
        expected_wage=laborer.expected_wage,
    )
