"""The public pages: subscribe (double opt-in), confirm, unsubscribe (with RFC 8058).

Rules every route keeps:

- A link's token is verified before anything else; a forged, altered or expired one gets
  a plain 400 page and changes nothing.
- A GET never changes a subscription: link scanners and previews follow every link in a
  message. Confirming and unsubscribing are POSTs, from a button (with a CSRF token) or,
  for unsubscribing, the RFC 8058 one-click POST a mail provider sends.
- The subscribe form answers the same page whether the address is new, pending, already
  active or over its rate limit, so it cannot be used to learn who subscribes.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from newsdesk.errors import MessageError, SubscriberError, TokenError
from newsdesk.public import confirmation, csrf
from newsdesk.public.context import PublicContext
from newsdesk.public.pages import LANGUAGES, PUBLIC_LISTS
from newsdesk.public.ratelimit import Limited, check_subscribe
from newsdesk.store.database import session_scope
from newsdesk.subscribers import lifecycle, links, tokens
from newsdesk.subscribers.addresses import normalise
from newsdesk.subscribers.lifecycle import Status
from newsdesk.subscribers.tokens import CONFIRM_MAX_AGE_S, Purpose

log = logging.getLogger("newsdesk.public")
router = APIRouter()

MAX_FIELD_CHARS = 200
ONE_CLICK = "One-Click"


def _context(request: Request) -> PublicContext:
    context: PublicContext = request.app.state.public
    return context


def _page(context: PublicContext, name: str, status: int = 200, **values: object
          ) -> HTMLResponse:
    return HTMLResponse(context.pages.render(name, **values), status_code=status)


def _refused(context: PublicContext, error: TokenError) -> HTMLResponse:
    reason = str(error)  # one line, e.g. "unsubscribe link has expired": a sentence here
    return _page(context, "invalid.html", 400, reason=f"This {reason.removeprefix('this ')}.")


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse(links.SUBSCRIBE_PATH, status_code=303)


@router.get("/public.css", include_in_schema=False)
def stylesheet(request: Request) -> Response:
    return Response(_context(request).pages.stylesheet(), media_type="text/css")


@router.get("/healthz", include_in_schema=False)
def health() -> PlainTextResponse:
    return PlainTextResponse("ok\n")


@router.get(links.SUBSCRIBE_PATH)
def subscribe_form(request: Request) -> HTMLResponse:
    return _subscribe_form(_context(request), {}, errors=[])


@router.post(links.SUBSCRIBE_PATH)
def subscribe(request: Request, email: Annotated[str, Form()] = "",
              name: Annotated[str, Form()] = "", organisation: Annotated[str, Form()] = "",
              language: Annotated[str, Form()] = "en",
              list_name: Annotated[str, Form(alias="list")] = "partners-newsletter",
              csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
    context = _context(request)
    values = {"email": email, "name": name, "organisation": organisation,
              "language": language, "list": list_name}
    nonce = request.cookies.get(csrf.COOKIE, "")
    if not nonce or not csrf.is_valid(context.secret, f"subscribe:{nonce}", csrf_token):
        return _subscribe_form(context, values, status=400, errors=[
            "This form has expired or did not come from this site; please send it again."])
    errors = _form_errors(values)
    if errors:
        return _subscribe_form(context, values, status=400, errors=errors)
    address = normalise(email, where="email")
    client = request.client.host if request.client else "unknown"
    now = datetime.now(UTC)
    with session_scope(context.db_url) as session:
        limited = check_subscribe(session, context.limits, context.secret,
                                  address_key=address.key, client_ip=client, now=now)
    sent_page = _page(context, "subscribe_sent.html", 429 if limited is Limited.IP else 200,
                      list_title=PUBLIC_LISTS[list_name], hours=CONFIRM_MAX_AGE_S // 3600)
    if limited is not Limited.NO:
        log.info("subscribe: over the %s rate limit; nothing sent", limited.value)
        return sent_page
    _request_and_send(context, list_name, values, now=now)
    return sent_page


def _request_and_send(context: PublicContext, list_name: str, values: dict[str, str], *,
                      now: datetime) -> None:
    """Record the pending sign-up, commit, then mail the link (so it works on arrival)."""
    with session_scope(context.db_url) as session:
        existing = lifecycle.find(session, list_name, values["email"])
        if existing is not None and existing.status == Status.ACTIVE:
            # Nothing to confirm, and an unauthenticated form must not rewrite the name or
            # organisation of someone already subscribed.
            log.info("subscribe: subscriber %s is already active on %s; nothing sent",
                     existing.id, list_name)
            return
        row = lifecycle.request(session, list_name, values["email"], name=values["name"],
                                organisation=values["organisation"],
                                language=values["language"], consent_source="web form",
                                now=now)
        token = tokens.sign(context.secret, Purpose.CONFIRM, lifecycle.subject_of(row))
        subscriber_id, to_address, to_name = row.id, row.email, row.name
    list_title = PUBLIC_LISTS[list_name]
    text = context.pages.render("confirmation_email.txt", name=to_name, list_title=list_title,
                                confirm_url=links.confirm_url(context.public_url, token),
                                hours=CONFIRM_MAX_AGE_S // 3600,
                                subscribe_url=context.public_url.rstrip("/")
                                + links.SUBSCRIBE_PATH)
    try:
        data = confirmation.confirmation_message(
            mail_from=context.mail_from, to_address=to_address, to_name=to_name,
            subject=f"Please confirm your subscription to {list_title}", text=text, now=now)
    except MessageError as exc:
        log.warning("subscribe: subscriber %s: %s", subscriber_id, exc)
        return
    outcome = confirmation.send(context.transport_factory, context.mail_from, to_address, data)
    if outcome.accepted:
        log.info("subscribe: confirmation sent to subscriber %s (%s)", subscriber_id, list_name)
    else:
        log.warning("subscribe: confirmation to subscriber %s not sent: %s", subscriber_id,
                    outcome.reply)


def _subscribe_form(context: PublicContext, values: dict[str, str], *, errors: list[str],
                    status: int = 200) -> HTMLResponse:
    nonce = csrf.new_nonce()
    response = _page(context, "subscribe.html", status, errors=errors,
                     values={"email": "", "name": "", "organisation": "", "language": "en",
                             "list": "partners-newsletter", **values},
                     csrf_token=csrf.issue(context.secret, f"subscribe:{nonce}"))
    response.set_cookie(csrf.COOKIE, nonce, max_age=csrf.MAX_AGE_S, path=links.SUBSCRIBE_PATH,
                        httponly=True, samesite="strict", secure=context.secure_cookies)
    return response


def _form_errors(values: dict[str, str]) -> list[str]:
    errors = []
    try:
        normalise(values["email"], where="email")
    except SubscriberError:
        errors.append("Please enter a valid email address.")
    if values["list"] not in PUBLIC_LISTS:
        errors.append("Please choose one of the newsletters offered.")
    if values["language"] not in LANGUAGES:
        errors.append("Please choose one of the languages offered.")
    for field, label in (("name", "Name"), ("organisation", "Organisation")):
        text = values[field]
        if len(text) > MAX_FIELD_CHARS:
            errors.append(f"{label}: at most {MAX_FIELD_CHARS} characters, please.")
        elif any(unicodedata.category(char).startswith("C") for char in text):
            errors.append(f"{label}: please use letters, digits and punctuation only.")
    return errors


@router.get(links.CONFIRM_PATH)
def confirm_page(request: Request, token: str) -> HTMLResponse:
    context = _context(request)
    try:
        subject = tokens.verify(context.secret, Purpose.CONFIRM, token)
        with session_scope(context.db_url) as session:
            if lifecycle.by_subject(session, subject).status not in (Status.PENDING,
                                                                      Status.ACTIVE):
                raise TokenError("this confirmation link is no longer valid; please sign up "
                                 "again")
    except TokenError as exc:
        return _refused(context, exc)
    return _page(context, "confirm.html", list_title=_title(subject.list_name),
                 csrf_token=csrf.issue(context.secret, csrf.binding_for_link("confirm", token)))


@router.post(links.CONFIRM_PATH)
def confirm(request: Request, token: str,
            csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
    context = _context(request)
    try:
        subject = tokens.verify(context.secret, Purpose.CONFIRM, token)
    except TokenError as exc:
        return _refused(context, exc)
    if not csrf.is_valid(context.secret, csrf.binding_for_link("confirm", token), csrf_token):
        return _expired_form(context, "confirm")
    try:
        with session_scope(context.db_url) as session:
            row = lifecycle.confirm(session, subject)
            subscriber_id = row.id
    except TokenError as exc:
        return _refused(context, exc)
    log.info("confirm: subscriber %s active on %s", subscriber_id, subject.list_name)
    return _page(context, "confirmed.html", list_title=_title(subject.list_name))


@router.get(links.UNSUBSCRIBE_PATH)
def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    context = _context(request)
    try:
        subject = tokens.verify(context.secret, Purpose.UNSUBSCRIBE, token)
        with session_scope(context.db_url) as session:
            lifecycle.by_subject(session, subject)
    except TokenError as exc:
        return _refused(context, exc)
    return _page(context, "unsubscribe.html", list_title=_title(subject.list_name),
                 csrf_token=csrf.issue(context.secret,
                                       csrf.binding_for_link("unsubscribe", token)))


@router.post(links.UNSUBSCRIBE_PATH)
def unsubscribe(request: Request, token: str,
                one_click: Annotated[str, Form(alias="List-Unsubscribe")] = "",
                csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
    """RFC 8058's one-click POST (``List-Unsubscribe=One-Click``) or the page's button."""
    context = _context(request)
    try:
        subject = tokens.verify(context.secret, Purpose.UNSUBSCRIBE, token)
    except TokenError as exc:
        return _refused(context, exc)
    if one_click == ONE_CLICK:
        via = "one-click"
    elif csrf.is_valid(context.secret, csrf.binding_for_link("unsubscribe", token),
                       csrf_token):
        via = "web page"
    else:
        return _expired_form(context, "unsubscribe")
    try:
        with session_scope(context.db_url) as session:
            row = lifecycle.unsubscribe(session, subject, via=via)
            subscriber_id = row.id
    except TokenError as exc:
        return _refused(context, exc)
    log.info("unsubscribe: subscriber %s left %s via %s", subscriber_id, subject.list_name, via)
    return _page(context, "unsubscribed.html", list_title=_title(subject.list_name))


def _expired_form(context: PublicContext, action: str) -> HTMLResponse:
    return _page(context, "invalid.html", 403, reason=(
        f"This {action} form has expired or did not come from this site. Open the link "
        "from your email again and press the button."))


def _title(list_name: str) -> str:
    return PUBLIC_LISTS.get(list_name, list_name)
