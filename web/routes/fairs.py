"""Fair pages: planning, registration, the check-in desk (phone, keyboard or scanner),
printable slips with QR codes, booth intentions and results."""

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from api import clock
from api.access import DataKind
from api.demand import pool_reads
from api.demand.pool import PoolFilter
from api.deps import AppSettings, Cipher, DbSession
from api.errors import AppError, BadRequest
from api.fairs import door, reads, service
from api.fairs.schemas import FairCreate
from api.i18n import _, gettext
from api.labels import label, options
from api.paging import Pager, Pager100, Sorting, sorting
from api.pickers.service import Kind
from api.security.feed_keys import feed_key
from api.sort_keys import FairSort
from api.supply import service as supply
from api.supply.rosters import Roster, RosterFilter
from shared_models.enums import FairMode, FairStatus, IntentionOutcome, OrgKind
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import clean, errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.pickers import is_picking, picker
from web.rendering import render

router = APIRouter(prefix="/fairs", include_in_schema=False)
FIELDS = [
    "title",
    "mode",
    "venue",
    "region_code",
    "online_url",
    "held_on",
    "starts_at",
    "ends_at",
    "registration_deadline",
    "co_organizer_id",
    "note",
]


def qr_svg(code: str) -> Markup:
    """The check-in code as an inline SVG QR code (error correction M: survives a crease)."""
    return Markup(segno.make(code, error="m").svg_inline(scale=5, border=2))  # noqa: S704 - segno's own markup


def _form(
    request: Request, page: WebPage, values: dict[str, Any], error: AppError | None = None
) -> Response:
    return render(
        request,
        "fairs/form.html",
        {
            "values": values,
            "errors": errors_by_field(error),
            "message": general_message(error),
            "modes": options(FairMode),
            "partners": [(str(p), "") for p in page.ctx.partner_ids],
        },
        status_code=error.status if error else 200,
    )


@router.get("")
def list_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    settings: AppSettings,
    pager: Pager,
    sort: Annotated[Sorting[FairSort], Depends(sorting(FairSort))],
) -> Response:
    access = page.ctx
    fairs, total = reads.listing_page(
        session,
        access,
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    return render(
        request,
        "fairs/list.html",
        {
            "fairs": fairs,
            "view": list_view(request, pager, total, sort),
            "feed_url": (
                f"/calendar/{access.tenant_id}.ics?key={feed_key(settings, access.tenant_id)}"
            ),
            "can_create": access.tenant_kind is not OrgKind.LIAISON,
            "today": clock.today(),
        },
    )


@router.get("/new")
def new_form(request: Request, page: TenantPage) -> Response:
    service.require_organizer_kind(page.ctx)
    return _form(request, page, {"mode": "offline", "starts_at": "09:00", "ends_at": "12:00"})


@router.post("/new")
def create(request: Request, page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    data = clean(form, FIELDS)
    if form.get("with_partner") == "on" and len(page.ctx.partner_ids) == 1:
        data["co_organizer_id"] = str(next(iter(page.ctx.partner_ids)))
    with rerender_on_error(lambda e: _form(request, page, data, e), (403, 409, 422)):
        body = validate(FairCreate, data)
        fair = service.create(session, page.ctx, service.FairInput(**body.model_dump()))
    flash(page, gettext("Fair {title} planned.", title=fair.title))
    return RedirectResponse(f"/fairs/{fair.id}", status_code=303)


@router.get("/{fair_id}")
def detail(
    fair_id: uuid.UUID,
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager100,
    cipher: Cipher,
    q: str | None = None,
) -> Response:
    access = page.ctx
    fair = service.get(session, access, fair_id)
    registrations, total = reads.registrations(
        session, access, fair, offset=pager.offset, limit=pager.limit
    )
    suggestions = []
    if access.write_ids(DataKind.LABORER) and fair.status in door.OPEN_FOR_REGISTRATION:
        # The employment-intention roster, or the names searched for.
        wanted = RosterFilter(roster=Roster.INTENTION, name=(q or "").strip() or None)
        roster = supply.list_page(session, access, wanted, page=1, page_size=50)
        people = [v.laborer for v in roster.items]
        taken = service.already_registered(session, access, fair, people)
        suggestions = [lab for lab in people if lab.id not in taken]
    employers = reads.employers(session, access, fair)
    can_bring = access.tenant_kind is not OrgKind.LIAISON and fair.status not in (
        FairStatus.FINISHED,
        FairStatus.CANCELLED,
    )
    # An employer of the pool is searched for, not picked from a list of hundreds.
    pool_employers = (
        picker(session, access, cipher, Kind.EMPLOYER, "employer_id", request.query_params)
        if can_bring
        else None
    )
    return render(
        request,
        "fairs/detail.html",
        {
            "fair": fair,
            "employers": employers,
            "registrations": registrations,
            "total": total,
            "view": list_view(request, pager, total),
            "results": service.results(session, access, fair.id),
            "is_organizer": service.is_organizer(access, fair),
            "can_register": bool(access.write_ids(DataKind.LABORER)),
            "suggestions": suggestions,
            "pool_employers": pool_employers,
            "q": q or "",
            "next_statuses": sorted(service.NEXT_STATUS[fair.status], key=list(FairStatus).index),
            "vacancies": [
                (str(v.id), f"{v.title} · {v.employer.name}")
                for v in reads.vacancies(session, access, fair)
            ],
            "outcomes": options(IntentionOutcome),
            "today": clock.today(),
        },
    )


@router.post("/{fair_id}/status")
def set_status(
    fair_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    try:
        target = FairStatus(str(form.get("status")))
        version = int(str(form.get("version")))
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None
    service.set_status(session, page.ctx, fair_id, target, version=version)
    flash(page, gettext("The fair is now: {status}.", status=label(target)))
    return RedirectResponse(f"/fairs/{fair_id}", status_code=303)


@router.post("/{fair_id}/registrations")
def register(
    fair_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    cipher: Cipher,
    form: PostedForm,
) -> Response:
    try:
        ids = [uuid.UUID(str(v)) for v in form.getlist("laborer_ids")]
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None
    if not ids:
        raise BadRequest(_("Tick at least one row to register."))
    door.register(session, page.ctx, cipher, fair_id, ids)
    flash(page, gettext("Laborers registered: {n}.", n=len(ids)))
    return RedirectResponse(f"/fairs/{fair_id}#registrations", status_code=303)


@router.get("/{fair_id}/slips")
def slips(fair_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession) -> Response:
    """Printable slips, one per registrant, each with its code as text and as QR."""
    fair = service.get(session, page.ctx, fair_id)
    registrations, _total = reads.registrations(session, page.ctx, fair, limit=5000)
    mine = [
        r
        for r in registrations
        if r.tenant_id == page.ctx.tenant_id or service.is_organizer(page.ctx, fair)
    ]
    return render(request, "fairs/slips.html", {"fair": fair, "rows": mine, "qr": qr_svg})


@router.get("/{fair_id}/desk")
def desk(fair_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession) -> Response:
    fair = service.get(session, page.ctx, fair_id)
    service.require_organizer(page.ctx, fair)
    return render(request, "fairs/desk.html", {"fair": fair, "result": None, "error": None})


@router.post("/{fair_id}/desk")
def desk_check_in(
    fair_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    cipher: Cipher,
    settings: AppSettings,
    form: PostedForm,
) -> Response:
    """One scan (a scanner types the code and Enter) or a walk-in's name and ID number."""
    fair = service.get(session, page.ctx, fair_id)
    with rerender_on_error(
        lambda e: render(
            request,
            "fairs/desk.html",
            {"fair": fair, "result": None, "error": e},
            status_code=e.status,
        ),
        (404, 409, 422),
    ):
        if form.get("id_number"):
            row = door.walk_in(
                session,
                page.ctx,
                cipher,
                fair_id,
                name=str(form.get("name") or ""),
                id_number=str(form.get("id_number") or ""),
                opens_days_before=settings.checkin_opens_days_before,
            )
        else:
            row = door.check_in(
                session,
                page.ctx,
                fair_id,
                str(form.get("code") or ""),
                opens_days_before=settings.checkin_opens_days_before,
            )
    return render(request, "fairs/desk.html", {"fair": fair, "result": row, "error": None})


@router.post("/{fair_id}/employers")
def add_employer(
    fair_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    """An employer of the pool with all its open vacancies (the API picks them one by one)."""
    if is_picking(form):  # no JavaScript: the search comes back on the fair's page
        query = urlencode({"employer_id__q": str(form.get("employer_id__q") or "")})
        return RedirectResponse(f"/fairs/{fair_id}?{query}#employers", status_code=303)
    try:
        employer_id = uuid.UUID(str(form.get("employer_id")))
    except ValueError:
        raise BadRequest(_("Choose an employer.")) from None
    today = clock.today()
    vacancies = pool_reads.pool(
        session, page.ctx, PoolFilter(employer_id=employer_id), page_size=100, today=today
    ).items
    service.add_employer(
        session,
        page.ctx,
        fair_id,
        employer_id=employer_id,
        vacancy_ids=[v.id for v in vacancies],
        booth=str(form.get("booth") or "").strip() or None,
    )
    flash(page, gettext("Employer added with {n} open vacancies.", n=len(vacancies)))
    return RedirectResponse(f"/fairs/{fair_id}#employers", status_code=303)


@router.post("/{fair_id}/intentions")
def intention(
    fair_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    try:
        door.record_intention(
            session,
            page.ctx,
            fair_id,
            registration_id=uuid.UUID(str(form.get("registration_id"))),
            vacancy_id=uuid.UUID(str(form.get("vacancy_id"))),
            outcome=IntentionOutcome(str(form.get("outcome") or "agreed")),
        )
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None
    flash(page, gettext("Intention recorded."))
    return RedirectResponse(f"/fairs/{fair_id}#registrations", status_code=303)


@router.post("/{fair_id}/referrals")
def refer(fair_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession) -> Response:
    referred = door.refer_intentions(session, page.ctx, fair_id)
    flash(page, gettext("Referrals made: {n}.", n=referred))
    return RedirectResponse(f"/fairs/{fair_id}#results", status_code=303)
