"""Sign-up, login and logout.

Failures re-show the form with a clear message and write nothing: the identity service
validates before it opens a transaction, and a duplicate e-mail rolls the transaction
back. Login failures are counted per client address and per e-mail address.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.identity.errors import InvalidCredentials, WeakPassword
from holoptic.identity.passwords import MIN_LENGTH
from holoptic.identity.throttle import LoginThrottle
from holoptic.vault.errors import DuplicateEmail
from holoptic.vault.service import InvalidProfile
from holoptic.web.deps import LangDep, ServicesDep, SessionDep, client_address, current_member
from holoptic.web.errors import N_
from holoptic.web.templating import render, translator

router = APIRouter()
FormStr = Annotated[str, Form()]

SIGNUP_ERRORS: dict[type[Exception], tuple[int, str]] = {
    DuplicateEmail: (
        409,
        N_("An account with this e-mail address already exists. Log in, or use another address."),
    ),
    WeakPassword: (422, N_("Choose a password of at least %(min)d characters.")),
    InvalidProfile: (
        422,
        N_("Enter your name (up to 200 characters) and a valid e-mail address."),
    ),
}


def safe_next(target: str | None) -> str:
    """Only same-site paths: ``next`` must never send a member to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/home"


def throttle_of(request: Request) -> LoginThrottle:
    throttle = request.app.state.login_throttle
    assert isinstance(throttle, LoginThrottle)
    return throttle


@router.get("/signup")
def signup_form(request: Request) -> Response:
    if current_member(request) is not None:
        return RedirectResponse("/home", status_code=303)
    return render(request, "signup.html", {"form": {"name": "", "email": ""}, "error": None})


@router.post("/signup")
def signup(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    lang: LangDep,
    name: FormStr = "",
    email: FormStr = "",
    password: FormStr = "",
) -> Response:
    try:
        member = services.identity.sign_up(name, email.strip(), password, lang=lang)
    except (DuplicateEmail, WeakPassword, InvalidProfile) as error:
        status, message = SIGNUP_ERRORS[type(error)]
        text = translator(lang)(message) % {"min": MIN_LENGTH}
        form = {"name": name, "email": email}
        return render(request, "signup.html", {"form": form, "error": text}, status=status)
    session.log_in(member.id, services.clock.now().timestamp())
    session.flash("signed_up")
    return RedirectResponse("/home", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    if current_member(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    context = {"email": "", "error": None, "next": safe_next(next)}
    return render(request, "login.html", context)


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    lang: LangDep,
    email: FormStr = "",
    password: FormStr = "",
    next: FormStr = "/home",
) -> Response:
    throttle = throttle_of(request)
    keys = (f"ip:{client_address(request)}", f"email:{email.strip().lower()}")
    throttle.check(*keys)  # raises TooManyAttempts -> 429 page with Retry-After
    try:
        member = services.identity.authenticate(email.strip(), password)
    except InvalidCredentials:
        throttle.fail(*keys)
        _ = translator(lang)
        text = _("Wrong e-mail address or password.")
        context = {"email": email, "error": text, "next": safe_next(next)}
        return render(request, "login.html", context, status=401)
    throttle.succeed(keys[1])  # the address keeps its count: one good login resets nothing
    session.log_in(member.id, services.clock.now().timestamp())
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(services: ServicesDep, session: SessionDep) -> Response:
    session.log_out(services.clock.now().timestamp())
    session.flash("logged_out")
    return RedirectResponse("/login", status_code=303)
