"""Writes for national moderation by the NQAP, one module a topic: employers' voluntary ``submissions``,
national staff's ``rounds`` (a stratified random sample drawn from a stored seed) and ``assignments``,
moderators' ``findings``, the ``exemplars`` library and the ``good_practice`` register; ``national`` holds
what they share (national staff's check, the national trail, e-mails).

The transitions of a case:

    (sampled into a round, or submitted voluntarily)  waiting --assign--> assigned --send--> findings_sent
                                                                 ^--reassign--|

- A co-ordinator submits one of the employer's submitted portfolios voluntarily (``waiting``, no round)
  and may withdraw it while it waits outside a round.
- National staff create a round: the draw and the cases are made in one transaction; the waiting
  voluntary submissions of the round's funding year join it. They assign a moderator to a case, or many
  at once (round-robin); reassigning is allowed until the findings are sent. They close a round once
  every case's findings are sent.
- The moderator saves findings (``version``: a stale save is a Conflict) and sends them; sent findings
  are final, and the employer's co-ordinators are told.

A moderator never moderates an employer where they hold or held any membership: refused here (and the
assignment form offers only eligible moderators), and by a trigger in the database (migration 0002).

National staff write only through these services, which run in the system's national context. Events
about a case that the employer should not see yet (who was assigned, a moderator's draft) are written
to the national trail (no employer); the employer's own trail gets the case's creation, the voluntary
submission and withdrawal, and the findings once sent.
"""
