"""What every app's forms and form pages share: a POST's data, a service's errors shown on the form, a
question answered from a list, the person's answers re-bound after a stale save, a list's filters and bulk
choices, date inputs that may be left empty, a decision whose refusal needs a note, and the employer's
details form."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from asye.web.form_fields import email_field


def is_whole_number(raw: str) -> bool:
    """ASCII digits only: "²" and "٣" are digits to ``str.isdigit`` but no number to ``int()`` (or not
    one anybody typed on purpose)."""
    return raw.isascii() and raw.isdigit()


def posted(request) -> QueryDict | None:
    """The form's data on a POST (even an empty one: a button's form has no fields), else None, so that a
    GET shows the form unbound."""
    return request.POST if request.method == "POST" else None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: against its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            # A date input's name is not a field (its boxes are): the form puts it on the first box.
            known = field in form.fields or field in getattr(form, "date_names", ())
            form.add_error(field if known else None, messages)
    else:
        form.add_error(None, error.messages)


def choice_field(
    label: str,
    *,
    required: str,
    invalid: str | None = "",
    widget: type[forms.Widget] | forms.Widget | None = None,
    field: type[forms.ChoiceField] = forms.ChoiceField,
    **kwargs,
) -> forms.ChoiceField:
    """A question answered from a list, with GOV.UK's messages: ``required`` when nothing is chosen and
    ``invalid`` when the answer is not one of the choices (the ``required`` message unless given; None keeps
    Django's). Radios by default, check boxes for a ``forms.MultipleChoiceField``."""
    messages = {"required": required}
    if invalid is not None:
        messages["invalid_choice"] = invalid or required
    if widget is None:
        widget = (
            forms.CheckboxSelectMultiple
            if issubclass(field, forms.MultipleChoiceField)
            else forms.RadioSelect
        )
    return field(label=label, widget=widget, error_messages=messages, **kwargs)


def with_version(data: QueryDict, version: int, name: str = "version") -> QueryDict:
    """The person's answers as they sent them, carrying the record's current version."""
    data = data.copy()
    data[name] = str(version)
    return data


def rebind_with_version(
    form_class, data: QueryDict, version: int, *, name: str = "version", **kwargs
) -> forms.Form:
    """After a Conflict (a stale save): the person's own answers re-bound with the record's current
    version and checked, so they see the message, their words and their mistakes, and a deliberate
    second save goes through. ``form_class`` is a form class or any callable that takes the data first."""
    form = form_class(with_version(data, version, name), **kwargs)
    form.is_valid()
    return form


class OptionalDatesMixin(DateInputsMixin):
    """Date inputs that may be left empty (a filter's days, a draft's meeting date, an optional date): a
    date is checked only when one of its boxes was filled in, and then as any other."""

    def date_is_asked(self, spec: DateInput, cleaned: dict) -> bool:
        return any((cleaned.get(name) or "").strip() for name in date_part_names(spec.name))


class FilterForm(forms.Form):
    """A list's filters (a GET form): anything not recognised is ignored, not an error."""

    def values(self, **defaults: str) -> dict[str, str]:
        """Every filter by name: its value, or its default (in ``defaults``, else "") when none or one not
        offered was chosen."""
        self.is_valid()
        return {
            name: ("" if name in self.errors else self.cleaned_data.get(name)) or defaults.get(name, "")
            for name in self.fields
        }


class TickedRowsForm(forms.Form):
    """A list's bulk form: the rows ticked on the page (a ``TypedMultipleChoiceField`` named by ``ticked``,
    whose choices are the whole numbers posted, so anything else is refused) or, with ``scope`` "all",
    every row matching the list's filters. Subclasses add the decision and the field of rows, and for
    ``chosen`` the most rows decided at once (``limit``) and the words of its refusals."""

    ticked = ""
    limit = 0
    nothing_ticked = ""  # nothing was ticked
    none_waiting = ""  # none of the rows chosen can be decided
    too_many = ""  # more than ``limit`` rows chosen
    scope = forms.ChoiceField(choices=[("selected", "selected"), ("all", "all")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.getlist(self.ticked) if hasattr(self.data, "getlist") else []
        self.fields[self.ticked].choices = [(value, value) for value in raw if str(value).isdigit()]

    def narrowed(self, queue):
        """The list's ``queue`` (after ``is_valid()``): all of it with scope "all", else the rows ticked;
        None when nothing was ticked."""
        if self.cleaned_data["scope"] == "all":
            return queue
        ids = self.cleaned_data[self.ticked]
        return queue.filter(pk__in=ids) if ids else None

    def chosen(self, queue) -> tuple:
        """The rows to decide from the list's ``queue`` (after ``is_valid()``): the narrowed queue and its
        rows (their pk and version only). A ``ValidationError`` in the form's words when nothing was
        ticked, none of it is in ``queue``, or it is more than ``limit`` rows."""
        narrowed = self.narrowed(queue)
        if narrowed is None:
            raise ValidationError(self.nothing_ticked)
        rows = list(narrowed.select_related(None).only("pk", "version"))
        if not rows:
            raise ValidationError(self.none_waiting)
        if len(rows) > self.limit:
            raise ValidationError(self.too_many)
        return narrowed, rows


class DecisionForm(forms.Form):
    """A decision (the field ``decision``) with a note in words that is needed for one answer: when the
    decision is ``refusal``, a blank ``note_field`` is an error saying ``note_required`` (the service may
    check it again, in the same words). A note refused already (too long) is not also called missing.
    Subclasses add the two fields."""

    refusal = ""
    note_field = ""
    note_required = ""

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == self.refusal
            and self.note_field not in self.errors
            and not (cleaned.get(self.note_field) or "").strip()
        ):
            self.add_error(self.note_field, self.note_required)
        return cleaned


def answers(data: dict, *names: str) -> dict:
    """The answers of these names from a form's cleaned data, as a service's keyword arguments
    (``save=lambda data: service(actor=actor, **answers(data, "status", "notes"))``); a date input's
    boxes (``<name>_day`` …) stay behind."""
    return {name: data[name] for name in names}


def year_choices(funding_years: list[str]) -> list[tuple[str, str]]:
    """A funding-year filter's choices: any year, then each year offered."""
    return [("", "Any year"), *[(y, y) for y in funding_years]]


class EmployerDetailsForm(forms.Form):
    serves_child_and_family = forms.BooleanField(label="Child and family services", required=False)
    serves_adults = forms.BooleanField(label="Adult services", required=False)
    primary_contact_name = forms.CharField(
        label="Primary contact's full name",
        max_length=200,
        error_messages={"required": "Enter the primary contact's full name"},
    )
    primary_contact_email = email_field(
        "Primary contact's email address", required="Enter the primary contact's email address"
    )
    primary_contact_phone = forms.CharField(
        label="Primary contact's telephone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "data-width": "20"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("serves_child_and_family") and not cleaned.get("serves_adults"):
            self.add_error("serves_child_and_family", "Select at least one service area")
        return cleaned
