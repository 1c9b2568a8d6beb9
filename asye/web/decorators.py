"""View guards: signed in, acting for an employer, holding a role."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse


def employer_view(*roles: str):
    """Sign-in required; an employer chosen; one of ``roles`` held there (403 otherwise)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            actor = request.actor
            if not actor.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if actor.needs_employer_choice:
                return redirect(f"{reverse('accounts:choose_employer')}?next={request.path}")
            if roles:
                actor.require(*roles)
            elif actor.employer_id is None:
                actor.require()  # no employer to act for: refuse
            return func(request, *args, **kwargs)

        return wrapper

    return decorate


def signed_in_view(func):
    @functools.wraps(func)
    def wrapper(request, *args, **kwargs):
        if not request.actor.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return func(request, *args, **kwargs)

    return wrapper


GET_ONLY = ("GET", "HEAD")
# A link that may start background work (a pack, a report) takes a GET only: a HEAD from a link checker
# or a prefetcher is refused (405) rather than starting a job nobody will see.
GET_STARTS_WORK = ("GET",)
GET_OR_POST = ("GET", "HEAD", "POST")
POST_ONLY = ("POST",)


def refuse_method(request, allowed: tuple[str, ...]) -> HttpResponseNotAllowed | None:
    """405 for a method the page does not take. Call it after the object is found, so that another
    employer's object is a 404 whatever the method (tests/test_isolation.py)."""
    if request.method not in allowed:
        return HttpResponseNotAllowed(allowed)
    return None


def opens(get, methods: tuple[str, ...] = GET_OR_POST, *, key: str = "pk"):
    """A page about one object, named by the URL's ``pk`` (or ``key``, such as ``"slug"``): the object is
    read first, through its scoped selector ``get(actor=, pk=)`` (``get(actor=, slug=)``; another
    employer's, or one the person may not read, is a 404 whatever the method), then a method not in
    ``methods`` is a 405 (``refuse_method``). The view is called with the object in place of the key.
    Goes under ``employer_view`` (or ``national_view``, ``signed_in_view``), which chose the actor."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            if key in kwargs:
                value = kwargs.pop(key)
            else:
                value, *args = args
            obj = get(actor=request.actor, **{key: value})
            if (refused := refuse_method(request, methods)) is not None:
                return refused
            return func(request, obj, *args, **kwargs)

        return wrapper

    return decorate
