"""The programme's audit events in words, for the readable audit trail (``asye.audit.readable``, through
``settings.ASYE_CONTRIBUTIONS["audit_sentences"]``): what the person did, after their name."""

SENTENCES = {
    "registration.created": "registered the NQSW",
    "registration.updated": "changed the registration",
    "registration.corrected": "corrected the registration",
    "registration.deferred": "deferred the NQSW's programme",
    "registration.resumed": "resumed the NQSW's programme",
    "registration.extended": "extended the NQSW's programme",
    "registration.withdrawn": "withdrew the NQSW from the programme",
    "registration.assessor_changed": "changed the NQSW's assessor",
    "registration.line_manager_changed": "changed the NQSW's line manager",
    "registration.funding_approved": "approved the registration for funding",
    "registration.funding_rejected": "did not approve the registration for funding",
    "registration.csv_uploaded": "registered NQSWs from a file",
    "registration.claimed_by_nqsw": "linked their account to their registration",
    "registration.transferred_in": "accepted the NQSW's transfer in",
    "transfer.requested": "asked another employer to take the NQSW's transfer",
    "transfer.accepted": "accepted the transfer",
    "transfer.declined": "declined the transfer",
    "transfer.cancelled": "cancelled the transfer",
    "supervision.recorded": "recorded a supervision session",
    "protected_time.logged": "logged protected time",
    "support_need.created": "recorded a support need",
    "support_need.status_changed": "changed a support need's status",
    "support_need.detail_changed": "changed a support need's details",
}
