"""How the OpenAPI schema describes the platform's API token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "asye.api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "asye_…",
            "description": "An employer-scoped token created by an ASYE co-ordinator under 'API tokens'.",
        }
