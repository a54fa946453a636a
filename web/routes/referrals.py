"""Referral pages: a laborer's matches with the refer action, the referral boards, and
the step form."""

import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api import clock
from api.access import DataKind
from api.deps import Cipher, DbSession
from api.errors import BadRequest
from api.i18n import _, gettext
from api.labels import label, options
from api.matching import service as matching
from api.paging import Pager100
from api.pickers.service import Kind
from api.referrals import service
from api.referrals.schemas import ReferralStep
from api.supply import service as supply
from shared_models.enums import ReferralStatus
from web.deps import PostedForm, TenantForm, TenantPage, safe_next
from web.flash import flash
from web.forms import clean, validate
from web.paging import list_view
from web.pickers import PICK, is_picking, picker
from web.rendering import render
from web.routes.referral_rows import board_rows, status_counts
from web.routes.vacancies import can_refer

router = APIRouter(include_in_schema=False)


@router.get("/laborers/{laborer_id}/matches")
def laborer_matches(
    laborer_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession, cipher: Cipher
) -> Response:
    access = page.ctx
    today = clock.today()
    laborer, matches = matching.for_laborer(session, access, laborer_id, today=today)
    # Any open vacancy of the pool, not only the best matches, searched for by title or employer.
    others = (
        picker(
            session, access, cipher, Kind.VACANCY, "vacancy_ids", request.query_params, multi=True
        )
        if can_refer(access)
        else None
    )
    board = service.board(session, access, laborer_id=laborer_id)
    return render(
        request,
        "referrals/laborer_matches.html",
        {
            "lab": laborer,
            "view": supply.get(session, access, laborer_id),
            "matches": matches,
            "referred": {r.vacancy_id for r in board.items if r.status.value != "withdrawn"},
            "can_refer": can_refer(access),
            "others": others,
            "today": today,
            "tab": "matches",
        },
    )


@router.get("/laborers/{laborer_id}/referrals")
def laborer_referrals(
    laborer_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    access = page.ctx
    view = supply.get(session, access, laborer_id)
    board = service.board(session, access, laborer_id=laborer_id)
    return render(
        request,
        "referrals/laborer_referrals.html",
        {
            "lab": view.laborer,
            "view": view,
            "board": board,
            "rows": board_rows(access, board.items),
            "counts": status_counts(board.counts),
            "today": clock.today(),
            "tab": "referrals",
        },
    )


@router.post("/referrals")
def refer(request: Request, page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    """From a matches page: one laborer to the ticked vacancies, or the ticked laborers
    to one vacancy. All or none; an error page names what stopped it."""
    back = safe_next(str(form.get("next") or ""))
    if is_picking(form):  # no JavaScript: the search comes back on the page it came from
        field = str(form.get(PICK))
        query = urlencode({f"{field}__q": str(form.get(f"{field}__q") or "")})
        return RedirectResponse(f"{back.split('#')[0]}?{query}#refer-other", status_code=303)
    try:
        laborer_ids = [uuid.UUID(str(v)) for v in form.getlist("laborer_ids")]
        vacancy_ids = [uuid.UUID(str(v)) for v in form.getlist("vacancy_ids")]
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None
    if not laborer_ids or not vacancy_ids:
        raise BadRequest(_("Tick at least one row to refer."))
    note = str(form.get("note") or "").strip() or None
    made = service.refer(
        session, page.ctx, laborer_ids=laborer_ids, vacancy_ids=vacancy_ids, note=note
    )
    flash(page, gettext("Referrals made: {n}.", n=len(made)))
    return RedirectResponse(back if back != "/" else "/referrals", status_code=303)


@router.get("/referrals")
def board_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager100,
    status: ReferralStatus | None = None,
) -> Response:
    access = page.ctx
    board = service.board(
        session, access, status=status, page=pager.page, page_size=pager.page_size
    )
    return render(
        request,
        "referrals/board.html",
        {
            "board": board,
            "rows": board_rows(access, board.items),
            "counts": status_counts(board.counts),
            "status": status,
            "statuses": options(ReferralStatus),
            "view": list_view(request, pager, board.total),
            "today": clock.today(),
            "show_laborer_link": bool(access.read_ids(DataKind.LABORER)),
        },
    )


@router.post("/referrals/{referral_id}/steps")
def record_step(
    referral_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = clean(form, ["status", "version", "occurred_on", "note"])
    body = validate(ReferralStep, data)
    if body.status is ReferralStatus.RECOMMENDED:
        raise BadRequest(_("A referral starts as recommended; record a later step."))
    service.advance(
        session,
        page.ctx,
        referral_id,
        body.status,
        version=body.version,
        occurred_on=body.occurred_on,
        note=body.note,
    )
    flash(page, gettext("Referral step recorded: {status}.", status=label(body.status)))
    back = safe_next(str(form.get("next") or ""))
    return RedirectResponse(back if back != "/" else "/referrals", status_code=303)
