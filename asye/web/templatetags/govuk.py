"""GOV.UK Frontend markup for Django forms: fields, error summaries, table heads, summary lists and tags.

{% load govuk %}
{% govuk_error_summary form %}
{% govuk_field form.email %}
{% govuk_field form.role legend_size="m" %}
{% govuk_table_head "NQSW" "#Amount" %}
{% govuk_problem_summary conflict "#id_reason" %}
{% govuk_submit "Save" cancel_url %}   (the submit button and the Cancel link)
{% include "govuk/pagination.html" %}   (numbered GOV.UK pagination for ``page``: govuk_pagination_links)
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe

from asye.web.pagination import pagination_links

register = template.Library()


def _widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


def _css_for(kind: str, field: BoundField, width: str = "") -> str:
    error = bool(field.errors)
    base = {
        "input": "govuk-input",
        "password": "govuk-input govuk-password-input__input govuk-js-password-input-input",
        "select": "govuk-select",
        "textarea": "govuk-textarea",
        "file": "govuk-file-upload",
    }.get(kind, "")
    if not base:
        return ""
    classes = [base]
    width = width or field.field.widget.attrs.get("data-width")
    if width:
        classes.append(f"govuk-input--width-{width}")
    if error:
        classes.append(f"{base.split()[0]}--error")
    return " ".join(classes)


@register.simple_tag
def govuk_field(
    field: BoundField,
    label_size: str = "",
    legend_size: str = "m",
    is_page_heading: bool = False,
    hint=None,
    label=None,
    width: str = "",
):
    """A form field with its label (or legend), hint, error message and input, as GOV.UK Frontend does.

    Optional overrides, for forms whose wording is not ours (django-allauth's):
    ``hint`` replaces the field's help text (``hint=""`` shows none), ``label`` replaces its label,
    ``width`` sets a fixed input width ("2", "3", "4", "5", "10", "20", "30", like data-width).
    """
    kind = _widget_kind(field)
    help_text = field.help_text if hint is None else hint
    # Radios and checkboxes have no single input: their hint and error belong to the fieldset, and
    # BoundField.id_for_label is empty for them, so every id derives from auto_id.
    if kind in ("radios", "checkboxes"):
        base_id = field.auto_id or field.html_name
    else:
        base_id = field.id_for_label or field.auto_id or field.html_name
    describedby = []
    if help_text:
        describedby.append(f"{base_id}-hint")
    if field.errors:
        describedby.append(f"{base_id}-error")
    attrs = {}
    css = _css_for(kind, field, width=width)
    if css:
        attrs["class"] = css
    if describedby and kind not in ("radios", "checkboxes"):
        attrs["aria-describedby"] = " ".join(describedby)
    # The GOV.UK Design System does not use placeholder text (allauth's forms set some).
    attrs["placeholder"] = False
    widget_attrs = field.field.widget.attrs
    if "autocomplete" in widget_attrs:
        attrs["autocomplete"] = widget_attrs["autocomplete"]
    if isinstance(field.field.widget, forms.EmailInput) or widget_attrs.get("type") == "email":
        attrs["spellcheck"] = "false"
    if kind == "password":
        attrs["spellcheck"] = "false"
        attrs["autocapitalize"] = "none"
    options = []
    if kind in ("radios", "checkboxes"):
        value = field.value()
        selected = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        for choice_value, choice_label in field.field.choices:
            if choice_value in ("", None):
                continue
            # The first option carries the field's own id, so that error summary links reach it.
            index = len(options)
            options.append(
                {
                    "id": base_id if index == 0 else f"{base_id}-{index}",
                    "value": choice_value,
                    "label": choice_label,
                    "checked": str(choice_value) in selected,
                }
            )
    return render_to_string(
        "govuk/field.html",
        {
            "field": field,
            "kind": kind,
            "base_id": base_id,
            "help_text": help_text,
            "label": field.label if label is None else label,
            "widget": field.as_widget(attrs=attrs) if kind not in ("radios", "checkboxes") else "",
            "options": options,
            "label_size": label_size,
            "legend_size": legend_size,
            "is_page_heading": is_page_heading,
            "describedby": " ".join(describedby),
            "checked": bool(field.value()) if kind == "checkbox" else False,
        },
    )


@register.simple_tag
def govuk_error_summary(*forms_):
    """The error summary for one or more forms; nothing when they are valid or unbound."""
    errors = []
    for form in forms_:
        if form is None or not getattr(form, "errors", None):
            continue
        # A message about the whole form links to its first visible field, as the pattern asks.
        visible = [bound for bound in form.visible_fields() if bound.auto_id]
        first_href = f"#{visible[0].auto_id}" if visible else ""
        for message in form.non_field_errors():
            errors.append({"href": first_href, "message": message})
        for bound in form:
            for message in bound.errors:
                errors.append({"href": f"#{bound.auto_id}", "message": message})
    if not errors:
        return ""
    return render_to_string("govuk/error_summary.html", {"errors": errors})


@register.filter
def govuk_error_prefix(title: str, form) -> str:
    """Prefix a page title with 'Error: ' when the form has errors, as the GOV.UK pattern asks."""
    return f"Error: {title}" if form is not None and getattr(form, "errors", None) else title


@register.filter
def govuk_caption(caption) -> str:
    """The caption above a page's heading, ``{% filter govuk_caption %}…{% endfilter %}``: a GOV.UK large
    caption, or nothing when the page has none (layouts/form_page.html, layouts/page.html)."""
    if not str(caption).strip():
        return ""
    return format_html('<span class="govuk-caption-l">{}</span>', caption)


@register.simple_tag
def govuk_table_head(*headers):
    """A GOV.UK table's head row, one ``<th scope="col">`` a header, in order.

    ``{% govuk_table_head "NQSW" "#Amount" "~Actions" %}``: a header that starts with ``#`` is numeric
    (right-aligned), one that starts with ``~`` is read only by screen readers (visually hidden); an
    empty header (``show_employer|yesno:"Employer,"``) is left out, for a column a table shows only
    sometimes."""
    columns = []
    for header in headers:
        if not header:
            continue
        text = str(header)
        numeric = text.startswith("#")
        hidden = text.startswith("~")
        if numeric or hidden:
            text = text[1:]
        if isinstance(header, SafeData):
            text = mark_safe(text)  # noqa: S308 - a literal of the template itself, already safe
        columns.append({"text": text, "numeric": numeric, "hidden": hidden})
    return render_to_string("govuk/table_head.html", {"columns": columns})


@register.simple_tag
def govuk_problem_summary(problems, href: str = ""):
    """The error summary for refusals that belong to no field, such as a stale save: ``problems`` is one
    message or a list of them, each linked to ``href`` (``"#id_reason"``) when given; nothing when there
    is none."""
    if not problems:
        return ""
    messages_ = problems if isinstance(problems, list | tuple) else [problems]
    errors = [{"href": href, "message": message} for message in messages_]
    return render_to_string("govuk/error_summary.html", {"errors": errors})


@register.simple_tag
def govuk_submit(label, cancel_href="", cancel_text="Cancel", kind="", prevent_double_click=True):
    """A form's button group: the submit button (``kind`` "warning" or "secondary" for those GOV.UK buttons;
    pressed twice, sent once unless ``prevent_double_click=False``) and, given ``cancel_href``, the link that
    leaves without saving:
    ``{% url 'reviews:review' review.pk as cancel_url %}{% govuk_submit "Sign the review" cancel_url %}``."""
    context = {
        "label": label,
        "cancel_href": cancel_href,
        "cancel_text": cancel_text,
        "kind": kind,
        "prevent_double_click": prevent_double_click,
    }
    return render_to_string("govuk/submit.html", context)


@register.simple_tag(takes_context=True)
def govuk_pagination_links(context, page):
    """The links of ``templates/govuk/pagination.html`` for ``page`` (asye.web.pagination), keeping the
    request's other query parameters; None when there is no page or only one."""
    request = context.get("request")
    if page is None or not hasattr(page, "paginator") or request is None:
        return None
    return pagination_links(page, request.GET)
