"""National reports: registrations, outcomes and equity, quality figures, disclosure control, charts,
the annual report's PDF and workbook, and retention."""
