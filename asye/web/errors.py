"""Error pages: GOV.UK pages for people, problem details for the API."""

from django.shortcuts import render

from asye.api.problems import problem_response


def is_api(request) -> bool:
    """Whether the request is the API's, answered with problem details rather than GOV.UK pages."""
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if is_api(request):
        return problem_response(request, 400, "The request could not be understood.")
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    if is_api(request):
        return problem_response(request, 403, "You do not have permission to do this.")
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if is_api(request):
        return problem_response(request, 404, "Not found.")
    return render(request, "404.html", status=404)


def server_error(request):
    if is_api(request):
        return problem_response(request, 500, "Something went wrong. Try again later.")
    # No request context: the error may have come from a context processor or the database.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """A form sent after the session ended (or from elsewhere): explain, in the service's own page."""
    if is_api(request):
        return problem_response(request, 403, "CSRF check failed. Use an API token, or reload the page.")
    return render(request, "403_csrf.html", status=403)


def not_offered(request, *args, **kwargs):
    """Pages of allauth the service does not offer (people's email is their invitation's)."""
    return page_not_found(request)
