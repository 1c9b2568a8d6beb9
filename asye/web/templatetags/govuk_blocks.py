"""GOV.UK blocks shared by the service's pages: a table with a row for each of a list, fields side by side,
a notification banner.

{% load govuk_blocks %}
{% govuk_table_of "Received" "Employer" "#Amount" for item in concerns caption="Messages" region="Messages" %}
  <tr class="govuk-table__row">…one row for item…</tr>
{% empty %}
  <p class="govuk-body">No messages.</p>   (shown instead of the table when there are no rows)
{% endgovuk_table_of %}
{% govuk_field_row form.status form.funding_year width="one-third" %}   (a list's filters, side by side)
{% govuk_notification_banner "Important" "deferral-title" %}
  <p class="govuk-notification-banner__heading">…</p>   (a GOV.UK notification banner around its content)
{% endgovuk_notification_banner %}
{{ concerns|length|counted:"message" }}   ("2 messages")
"""

from __future__ import annotations

from django import template
from django.template.base import token_kwargs
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from asye.web.templatetags.govuk import govuk_field, govuk_table_head

register = template.Library()

TABLE_OPTIONS = (
    "caption",
    "caption_size",
    "caption_hidden",
    "region",
    "table_class",
    "empty_row",
    "empty_in_row",
)


class TableNode(template.Node):
    """A GOV.UK table whose body repeats for each of ``rows``; see :func:`govuk_table_of`."""

    def __init__(self, headers, var_name, rows, options, nodelist_row, nodelist_empty):
        self.headers = headers
        self.var_name = var_name
        self.rows = rows
        self.options = options
        self.nodelist_row = nodelist_row
        self.nodelist_empty = nodelist_empty

    def render(self, context):
        rows = list(self.rows.resolve(context, ignore_failures=True) or [])
        options = {name: value.resolve(context) for name, value in self.options.items()}
        empty_row = options.get("empty_row", "")
        if not rows and self.nodelist_empty is not None:
            if not options.get("empty_in_row"):
                return self.nodelist_empty.render(context)
            # Rendered template output, already escaped: only the blank lines around it go.
            empty_row = mark_safe(self.nodelist_empty.render(context).strip())  # noqa: S308
        headers = [header.resolve(context) for header in self.headers]
        rendered_rows = []
        with context.push():
            for row in rows:
                context[self.var_name] = row
                rendered_rows.append(self.nodelist_row.render(context))
        return render_to_string(
            "govuk/blocks/table.html",
            {
                "head": govuk_table_head(*headers),
                "rows": rendered_rows,
                "columns": len([header for header in headers if header]),
                "caption": options.get("caption", ""),
                "caption_size": options.get("caption_size", ""),
                "caption_hidden": options.get("caption_hidden", False),
                "region": options.get("region", ""),
                "table_class": options.get("table_class", ""),
                "empty_row": empty_row,
            },
        )


class NotificationBannerNode(template.Node):
    """A GOV.UK notification banner around its content; see :func:`govuk_notification_banner`."""

    def __init__(self, title, title_id, nodelist):
        self.title = title
        self.title_id = title_id
        self.nodelist = nodelist

    def render(self, context):
        return render_to_string(
            "govuk/blocks/notification_banner.html",
            {
                "title": self.title.resolve(context),
                "title_id": self.title_id.resolve(context),
                "content": self.nodelist.render(context),
            },
        )


@register.tag
def govuk_notification_banner(parser, token):
    """A GOV.UK notification banner (role "region") with its title and, inside, the content between the tags:
    ``{% govuk_notification_banner "Important" "deferral-title" %}…{% endgovuk_notification_banner %}``, the
    second argument being the title's id, which labels the banner."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a title and the title's id")
    title, title_id = (parser.compile_filter(bit) for bit in bits[1:])
    nodelist = parser.parse(("endgovuk_notification_banner",))
    parser.delete_first_token()
    return NotificationBannerNode(title, title_id, nodelist)


@register.simple_tag
def govuk_field_row(*fields, width: str = "one-third"):
    """Form fields side by side in one GOV.UK grid row, each in a column of ``width`` ("one-half",
    "one-third", "one-quarter") and drawn as ``govuk_field`` draws it: the filters of a list."""
    columns = [govuk_field(field) for field in fields]
    return render_to_string("govuk/blocks/field_row.html", {"columns": columns, "width": width})


@register.filter
def counted(number, noun: str) -> str:
    """``2|counted:"message"`` is "2 messages", ``1|counted:"message"`` "1 message"; an irregular plural is
    given after a comma: ``n|counted:"person,people"``."""
    singular, _, plural = noun.partition(",")
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


@register.tag
def govuk_table_of(parser, token):
    """A GOV.UK table: its head row, then its body once for each row, in a ``<tbody>``.

    ``{% govuk_table_of "Employer" "#NQSWs" for employer in page caption="Employers" %}<tr>…</tr>``
    ``{% endgovuk_table_of %}``: the body, one row, is rendered with ``employer`` set to each of ``page``.
    The headers are those of ``govuk_table_head`` (``#`` numeric, ``~`` visually hidden, empty left out).
    Options: ``caption`` and its ``caption_size`` ("s", "m") and ``caption_hidden`` (read only by screen
    readers); ``region``, the label of the scrolling container a wide table sits in (none without it);
    ``table_class``, classes added to the table's; ``empty_row``, a message shown as the only row, across
    every column, when there are no rows. An ``{% empty %}`` part is shown instead of the whole table when
    there are no rows, or with ``empty_in_row=True`` as that only row (for words that depend on a search).
    """
    bits = token.split_contents()
    tag_name = bits[0]
    if "for" not in bits or len(bits) < bits.index("for") + 4 or bits[bits.index("for") + 2] != "in":
        raise template.TemplateSyntaxError(f"'{tag_name}' needs 'for <name> in <rows>' after its headers")
    at = bits.index("for")
    headers = [parser.compile_filter(bit) for bit in bits[1:at]]
    var_name = bits[at + 1]
    rows = parser.compile_filter(bits[at + 3])
    remaining = bits[at + 4 :]
    options = token_kwargs(remaining, parser, support_legacy=False)
    if remaining or set(options) - set(TABLE_OPTIONS):
        raise template.TemplateSyntaxError(f"'{tag_name}' takes only the options {', '.join(TABLE_OPTIONS)}")
    nodelist_row = parser.parse(("empty", "endgovuk_table_of"))
    nodelist_empty = None
    if parser.next_token().contents == "empty":
        nodelist_empty = parser.parse(("endgovuk_table_of",))
        parser.delete_first_token()
    return TableNode(headers, var_name, rows, options, nodelist_row, nodelist_empty)
