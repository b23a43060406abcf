"""Forms for enrolment and review. The declaration text is shown from the server, never posted
back: the service rebuilds and stores what the learner saw."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .admission import max_evidence_bytes


class EnrolForm(forms.Form):
    accept_declaration = forms.BooleanField(label=_("I accept the declaration above."))
    evidence = forms.FileField(
        label=_("Evidence of your qualification"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, evidence_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if evidence_required:
            field = self.fields["evidence"]
            field.required = True
            field.help_text = _(
                "A diploma or transcript as PDF, PNG or JPEG, at most %(megabytes)s MB. "
                "Only instructors reviewing your application can see it."
            ) % {"megabytes": f"{max_evidence_bytes() / 1024 / 1024:g}"}
        else:
            del self.fields["evidence"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason (shown to the applicant; required to reject)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompletionForm(forms.Form):
    completed = forms.BooleanField(required=False)


class TeamMemberForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the instructor"),
        max_length=150,
        error_messages={"required": _("Enter the username of an instructor.")},
    )
