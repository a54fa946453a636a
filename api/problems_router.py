"""`/problems/{slug}`: what each problem type means, so `type` URIs resolve."""

from fastapi import APIRouter

from api.errors import NotFound, all_problem_types
from api.i18n import translate_in
from api.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, tags=["problems"])


@router.get("/problems/{slug}")
def describe_problem(slug: str) -> dict[str, object]:
    for cls in all_problem_types():
        if cls.slug == slug:
            return {
                "type": cls.type_uri(),
                "status": cls.status,
                "title": {"zh_CN": translate_in("zh_CN", cls.title), "en": cls.title},
            }
    raise NotFound()
