"""The form's button group tag (govuk_submit) and the one-column page layouts (templates/layouts/)."""

from django.template import engines


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_submit_is_a_button_that_sends_once_with_a_cancel_link():
    html = render('{% load govuk %}{% govuk_submit "Save the amendment" "/evidence/7/" %}')
    assert '<div class="govuk-button-group">' in html
    assert (
        '<button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">'
        "Save the amendment</button>"
    ) in html
    assert '<a class="govuk-link" href="/evidence/7/">Cancel</a>' in html


def test_submit_takes_the_kind_the_cancel_words_and_may_allow_a_second_press():
    html = render(
        '{% load govuk %}{% govuk_submit "Cancel my place" back "Keep my place" kind="warning" '
        "prevent_double_click=False %}",
        back="/forums/session/3/",
    )
    assert (
        '<button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">'
        "Cancel my place</button>"
    ) in html
    assert "data-prevent-double-click" not in html
    assert '<a class="govuk-link" href="/forums/session/3/">Keep my place</a>' in html


def test_submit_without_somewhere_to_go_back_to_has_no_link_and_escapes_what_it_is_given():
    html = render("{% load govuk %}{% govuk_submit label %}", label="Save <now>")
    assert "Save &lt;now&gt;</button>" in html
    assert "govuk-link" not in html


def test_two_thirds_layout_puts_the_page_in_one_two_thirds_column():
    html = render('{% extends "layouts/two_thirds.html" %}{% block column %}<h1>Teams</h1>{% endblock %}')
    column = html.index('<div class="govuk-grid-column-two-thirds">')
    assert column < html.index("<h1>Teams</h1>") < html.index("</main>")


def test_full_width_layout_widens_the_column():
    html = render('{% extends "layouts/full_width.html" %}{% block column %}<table></table>{% endblock %}')
    assert '<div class="govuk-grid-column-full">' in html
    assert "govuk-grid-column-two-thirds" not in html.split("<table></table>")[0].split("main-content")[1]
    assert html.index('<div class="govuk-grid-column-full">') < html.index("<table></table>")
