"""The annual surveys of ASYE leads, assessors and NQSWs: questionnaires as versioned data, invitations,
reminders, the close, and the figures the annual report gives."""
