"""Writes about reviews, one module a topic: ``reviews`` (scheduling from the framework's review points
and the assessor's report), ``practice_examples``, ``signatures``, ``amendments``, ``support_plans``,
``recommendations`` (the final recommendation), ``panels`` (the internal moderation panel, which records
the outcome) and ``certificates``; ``access`` says who may do what, ``saving`` holds the length limits and
the versioned save every write shares.

The workflow of a review:
- draft: the registration's assessor writes progress against the PCF and the standards, quotes practice
  examples (linked to the NQSW's portfolio evidence or observations), sets the outcome and signs;
- awaiting comments: the NQSW and the line manager each add comments and sign, in either order;
- locked: all three have signed. Each person's part, once they have signed it, changes only as an
  amendment with a reason, kept in ``ReviewAmendment`` (old and new values) and audited.

The programme's rules (``reviews.rules``) hold here: a review point is signed, and held, only once its
window has opened; the last signature locks a review only after the earlier review points are locked; a
final recommendation needs the final review locked and the framework's minimum record; the panel decides
a submitted recommendation on the day the decision is recorded, which is the outcome date.

A "not on track" outcome, when the assessor signs (or amends to it), starts a support plan in the same
transaction, with an extra review, and the co-ordinators are emailed once it commits.

Who may write: the registration's own assessor (a person), or the employer's systems through an API token
(which acts with the co-ordinator's authority): tokens may record and update drafts, never sign, amend,
submit or decide, because those need a person. Every save of a review, recommendation or panel carries the
version the person read: a stale save raises ``Conflict`` and nothing is written.
"""
