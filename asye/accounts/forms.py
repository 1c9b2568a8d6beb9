from django import forms
from django.contrib.auth import password_validation

from asye.accounts.models import EMPLOYER_ROLES, Role
from asye.web.form_fields import email_field
from asye.web.forms import choice_field

EMPLOYER_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in EMPLOYER_ROLES]


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = email_field(
        "Email address",
        required="Enter an email address",
        hint="We will email an invitation link to this address. It expires after 14 days.",
    )
    role = choice_field(
        "Role",
        required="Select the role you are inviting them to",
        choices=EMPLOYER_ROLE_CHOICES,
        invalid=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].error_messages["required"] = "Enter their full name"


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Create a password",
        help_text="At least 12 characters. Do not use a password you use anywhere else.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label="Confirm your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["full_name"].error_messages["required"] = "Enter your full name"
        self.fields["password1"].error_messages["required"] = "Create a password"
        self.fields["password2"].error_messages["required"] = "Confirm your password"

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        # Every problem at once: what is wrong with the password, and that the two do not match.
        if first and second and first != second:
            self.add_error("password2", "The passwords do not match")
        if first:
            try:
                from asye.accounts.models import User

                password_validation.validate_password(
                    first, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ChooseEmployerForm(forms.Form):
    employer = choice_field(
        "Which employer are you working for now?",
        required="Select the employer you are working for",
        coerce=int,
        field=forms.TypedChoiceField,
        invalid=None,
    )

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]


class TeamSearchForm(forms.Form):
    """The team's search box (a GET form): text over the limit is ignored, not an error."""

    q = forms.CharField(
        label="Search by name or email",
        help_text="The start of a name or an email address",
        required=False,
        max_length=100,
    )
