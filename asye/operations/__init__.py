"""Operating the platform: backing up the database and the uploaded files, and restoring them with checks
(``manage.py backup`` and ``restore``; docs/operations.md, "Backups"). Reads the database's catalogue and
Django's storage settings, never a domain app."""
