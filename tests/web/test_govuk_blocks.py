"""The shared GOV.UK blocks (asye/web/templatetags/govuk_blocks.py): a table of rows, fields side by side, counts."""

import pytest
from django import forms, template
from django.template import engines


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load govuk_blocks %}" + source).render(context)


TABLE = (
    '{% govuk_table_of "Employer" "#NQSWs" for employer in employers caption="Employers" region="Employers" %}'
    '<tr class="govuk-table__row"><td class="govuk-table__cell">{{ employer }}</td></tr>'
    '{% empty %}<p class="govuk-body">No employers.</p>{% endgovuk_table_of %}'
)


def test_table_has_its_region_caption_head_and_a_row_for_each_item_escaped():
    html = render(TABLE, employers=["Leeds", "<Bradford>"])
    assert '<div class="app-table-container" role="region" aria-label="Employers" tabindex="0">' in html
    assert '<caption class="govuk-table__caption">Employers</caption>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">NQSWs</th>' in html
    assert '<tbody class="govuk-table__body">' in html
    assert html.index("Leeds") < html.index("&lt;Bradford&gt;") < html.index("</tbody>")
    assert "No employers." not in html


def test_table_with_no_rows_shows_its_empty_part_instead():
    html = render(TABLE, employers=[])
    assert "<table" not in html
    assert '<p class="govuk-body">No employers.</p>' in html


def test_table_without_a_region_a_hidden_caption_and_an_empty_row_across_every_column():
    html = render(
        '{% govuk_table_of "Name" "~Actions" "" for item in items caption="People" caption_size="s" caption_hidden=True '
        'table_class="govuk-table--small-text-until-tablet" empty_row="Nobody yet." %}<tr></tr>{% endgovuk_table_of %}',
        items=[],
    )
    assert "app-table-container" not in html
    assert '<table class="govuk-table govuk-table--small-text-until-tablet">' in html
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">People</caption>'
        in html
    )
    assert '<td class="govuk-table__cell" colspan="2">Nobody yet.</td>' in html


def test_table_refuses_a_tag_without_its_rows_or_with_an_unknown_option():
    with pytest.raises(template.TemplateSyntaxError):
        render('{% govuk_table_of "Name" %}{% endgovuk_table_of %}')
    with pytest.raises(template.TemplateSyntaxError):
        render('{% govuk_table_of "Name" for item in items colour="red" %}{% endgovuk_table_of %}')


class FilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any"), ("open", "Open")], required=False)
    q = forms.CharField(required=False, label="Search")


def test_field_row_puts_each_field_in_a_column_of_the_width():
    html = render(
        '{% govuk_field_row form.status form.q width="one-half" %}', form=FilterForm({"status": "open"})
    )
    assert html.count('<div class="govuk-grid-column-one-half">') == 2
    assert '<label class="govuk-label" for="id_q">Search</label>' in html
    assert '<option value="open" selected>Open</option>' in html


def test_counted_says_one_or_many():
    assert render(
        '{{ 1|counted:"message" }}, {{ 2|counted:"message" }}, {{ 0|counted:"person,people" }}'
    ) == ("1 message, 2 messages, 0 people")


def test_table_can_show_its_empty_part_as_its_only_row():
    html = render(
        '{% govuk_table_of "Name" "Role" for item in items empty_in_row=True %}<tr></tr>'
        "{% empty %}\n{% if search %}No one matches [{{ search }}].{% else %}Nobody yet.{% endif %}\n"
        "{% endgovuk_table_of %}",
        items=[],
        search="<b>",
    )
    assert '<td class="govuk-table__cell" colspan="2">No one matches [&lt;b&gt;].</td>' in html
