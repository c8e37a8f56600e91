"""Who may read the editors' pages and who may edit: Airflow's own security, on every route.

Airflow mounts a plugin's FastAPI app with no authentication of its own, so each route
depends on one of :func:`reader` or :func:`editor`. Both resolve the user exactly as
Airflow's REST API does (``GetUserDep``: a bearer token, else the UI's ``_token`` cookie;
none is 401, an invalid one 403) and then ask the configured auth manager about the
``quarterly_newsletter`` DAG: reading needs ``GET`` on it, editing ``PUT`` (the simple auth
manager's viewer may read, a user, op or admin may edit). Who may *approve* is apart: that
is the review task's ``assigned_users`` in Airflow's Required Actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN
from airflow.api_fastapi.core_api.security import GetUserDep, requires_access_dag
from fastapi import Depends, HTTPException, Request

from newsdesk.editor_ui.csrf import session_binding

#: The DAG whose rights stand for the newsletter: read it to read, edit it to edit.
NEWSLETTER_DAG = "quarterly_newsletter"


@dataclass(frozen=True)
class SignedIn:
    """The Airflow user behind a request, as the pages and the audit trail need it."""

    user_id: str
    name: str
    can_edit: bool
    #: What this user's CSRF tokens are bound to (see :mod:`newsdesk.editor_ui.csrf`).
    binding: str


def _credential(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token
    return request.cookies.get(COOKIE_NAME_JWT_TOKEN, "")


def _may(method: str, request: Request, user: GetUserDep) -> bool:
    try:
        requires_access_dag(method, param_dag_id=NEWSLETTER_DAG)(request, user)
    except HTTPException as exc:
        if exc.status_code == 403:
            return False
        raise
    return True


def _signed_in(request: Request, user: GetUserDep, can_edit: bool) -> SignedIn:
    user_id = str(user.get_id())
    return SignedIn(user_id=user_id, name=str(user.get_name() or user_id), can_edit=can_edit,
                    binding=session_binding(user_id, _credential(request)))


def reader(request: Request, user: GetUserDep) -> SignedIn:
    """A signed-in user with read access to the newsletter DAG (else 401/403)."""
    if not _may("GET", request, user):
        raise HTTPException(403, "You may not read the newsletter (no read access to the "
                                 f"{NEWSLETTER_DAG} DAG)")
    return _signed_in(request, user, can_edit=_may("PUT", request, user))


def editor(request: Request, user: GetUserDep) -> SignedIn:
    """A signed-in user with edit access to the newsletter DAG (else 401/403)."""
    if not _may("PUT", request, user):
        raise HTTPException(403, "You may not edit the newsletter (no edit access to the "
                                 f"{NEWSLETTER_DAG} DAG)")
    return _signed_in(request, user, can_edit=True)


Reader = Annotated[SignedIn, Depends(reader)]
Editor = Annotated[SignedIn, Depends(editor)]
