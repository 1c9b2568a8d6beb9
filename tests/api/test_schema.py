"""The OpenAPI schema is generated without warnings and validates, so it describes every endpoint."""

import yaml
from django.core.management import call_command


def test_schema_generates_cleanly_and_validates(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in (
        "/api/v1/registrations/",
        "/api/v1/registrations/{id}/",
        "/api/v1/memberships/",
        "/api/v1/me/",
    ):
        assert path in paths, path
    assert "ApiToken" in schema["components"]["securitySchemes"]
