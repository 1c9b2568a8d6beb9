"""Sessions end after a spell of inactivity, without a database write on every page (#14).

Django can save the session on every request (``SESSION_SAVE_EVERY_REQUEST``) so that its expiry follows
the person's activity: one UPDATE of ``django_session`` per page view, API call and asset. Instead a
signed-in session is marked changed at most once a minute (``TOUCH_EVERY_SECONDS``), which moves its
expiry on by the idle timeout (``SESSION_COOKIE_AGE``); in between, pages read it and write nothing. The
idle timeout is therefore kept to within a minute.

Placed just after ``SessionMiddleware``, so its response phase runs first and ``SessionMiddleware``
saves what it marks.
"""

from __future__ import annotations

from asye import clock

TOUCH_EVERY_SECONDS = 60
TOUCHED = "_asye_touched"


class SessionTouchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a stored session: a visitor with none gets none, and an ended one (flushed) has no key.
        if session is None or not session.session_key:
            return response
        now = int(clock.now().timestamp())
        last = session.get(TOUCHED)
        # A session the request changed is saved anyway: the minute starts from that write.
        if session.modified or not isinstance(last, int) or now - last >= TOUCH_EVERY_SECONDS:
            session[TOUCHED] = now
        return response
