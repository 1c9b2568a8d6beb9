"""The demo data, gathered by one command: ``manage.py seed_demo`` (``management/commands/seed_demo.py``).

It owns what no single app describes: the national picture of employers, people and memberships
(``national_picture``, with the fictional names of ``names``) and the demo's calendar (``calendar``: the
story is written as of a reference day and moved to the seeding day). Each domain app's own demo data lives
with that app (``<app>/demo.py``) and is listed in the command's ``DEMO_APPS``. Nothing outside the demo's
modules imports this app, except those modules' use of ``demo.calendar`` and of ``demo.actors`` (the
``Actor`` of a demo login, for writing through the services).
"""
