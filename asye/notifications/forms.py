from django import forms

from asye.notifications.models import EmailFrequency


class PreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label="How often do you want to be emailed about your notifications?",
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often you want to be emailed"},
    )
