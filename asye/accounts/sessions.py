"""Sessions in the database, each row readable only by the request that holds its key.

``django_session`` has forced row-level security (``asye.accounts.rls``): a row is visible only while
``app.session_key`` names it. Django's database store reads and writes one row by its key, so this store
sets the key around each of those statements and restores what was there before:

- loading happens inside the request's transaction (TenantMiddleware asks who is signed in): a read, so
  the key is set and put back in place, without a savepoint of its own (two round trips fewer on every
  signed-in page, #14);
- saving happens in SessionMiddleware's response phase, after that transaction has ended, so the store
  opens its own;
- ``clearsessions`` (``clear_expired``) gets a grant of its own that reaches only rows already expired
  by the platform's clock, for reading and deleting (never for inserting or updating).

With nothing set no session row is visible, so a query that forgot to ask by key finds nothing.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from asye import clock
from asye.tenancy.db import tenant_settings


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if not self.session_key:
            return None
        with tenant_settings(savepoint=False, session_key=self.session_key):
            return super()._get_session_from_db()

    def exists(self, session_key):
        if not session_key:
            return False
        with tenant_settings(savepoint=False, session_key=session_key):
            return super().exists(session_key)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        with tenant_settings(session_key=self.session_key):
            return super().save(must_create=must_create)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        if key is None:
            return
        with tenant_settings(session_key=key):
            super().delete(key)

    @classmethod
    def clear_expired(cls):
        before = clock.now()
        with tenant_settings(sessions_expired_before=before.isoformat()):
            cls.get_model_class().objects.filter(expire_date__lt=before).delete()

    # The asynchronous variants go through the same grants (the platform serves WSGI; these keep an
    # async view from reading around them).
    async def _aget_session_from_db(self):
        return await sync_to_async(self._get_session_from_db)()

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def asave(self, must_create=False):
        return await sync_to_async(self.save)(must_create=must_create)

    async def adelete(self, session_key=None):
        return await sync_to_async(self.delete)(session_key)

    @classmethod
    async def aclear_expired(cls):
        return await sync_to_async(cls.clear_expired)()
