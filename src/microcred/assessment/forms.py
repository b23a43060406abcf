"""Forms: they parse and label; the services decide (limits, states, who may do what)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.curriculum import language_of_parts

from .models import EthicsAssessment
from .uploads import MIB, code_limit, report_limit


class LabSubmitForm(forms.Form):
    source = forms.CharField(
        label=_("Your code"),
        strip=False,
        max_length=4 * 1024 * 1024,
        widget=forms.Textarea(
            attrs={"rows": 24, "spellcheck": "false", "autocapitalize": "off", "class": "code"}
        ),
    )


class CapstoneForm(forms.Form):
    report = forms.FileField(
        label=_("Report (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )
    code = forms.FileField(
        label=_("Code archive (.zip or .tar.gz)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.tar.gz,.tgz"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].help_text = _("At most %(megabytes)s MB.") % {
            "megabytes": f"{report_limit() / MIB:g}"
        }
        self.fields["code"].help_text = _(
            "At most %(megabytes)s MB. Do not include data sets or model weights."
        ) % {"megabytes": f"{code_limit() / MIB:g}"}


def _text(label: Any, help_text: Any = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EthicsForm(forms.Form):
    """The EU AI Act risk assessment (Regulation (EU) 2024/1689), section by section."""

    system_description = _text(
        _("System description"),
        _(
            "Intended purpose, users and affected persons, outputs and the decisions they inform, "
            "models used, reasonably foreseeable misuse."
        ),
    )
    risk_category = forms.ChoiceField(
        label=_("Risk category"),
        choices=EthicsAssessment.RiskCategory.choices,
        widget=forms.RadioSelect,
    )
    annex_iii_area = forms.ChoiceField(
        label=_("Annex III area (high-risk systems)"),
        choices=EthicsAssessment.AnnexIIIArea.choices,
        required=False,
    )
    classification_rationale = _text(
        _("Classification rationale"),
        _(
            "Why the system is (not) a prohibited practice (Article 5), (not) high-risk "
            "(Article 6, Annexes I and III, derogation of Article 6(3)) and which transparency "
            "obligations apply."
        ),
    )
    transparency_measures = _text(
        _("Transparency measures (Article 50)"),
        _(
            "Required for limited-risk systems: how people are told they interact with an AI "
            "system, how synthetic content is marked."
        ),
        required=False,
    )
    data_provenance = _text(
        _("Data provenance and governance"),
        _(
            "Sources and versions, licences or legal basis, personal data, collection and "
            "labelling, how leakage between splits was prevented."
        ),
    )
    bias_analysis = _text(
        _("Bias and fairness analysis"),
        _(
            "Groups that could be affected differently, plausible harms, the measurements made "
            "and their uncertainty."
        ),
    )
    human_oversight = _text(
        _("Human oversight"),
        _("Who can understand, override or stop the system, and how."),
    )
    mitigations = _text(
        _("Mitigations"), _("What you changed to reduce the risks, and how you re-measured.")
    )
    residual_risk = forms.ChoiceField(
        label=_("Residual risk"),
        choices=EthicsAssessment.ResidualRisk.choices,
        widget=forms.RadioSelect,
    )
    residual_risk_notes = _text(
        _("Residual risk"), _("What risk remains after the mitigations, and why it is acceptable.")
    )


class EthicsReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("changes", _("Ask for changes"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment for the learner (required to ask for changes)"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RubricForm(forms.Form):
    """One level (when the rubric has levels), a score and a comment per criterion."""

    comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, rubric: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.rows: list[dict[str, Any]] = []
        for criterion in rubric:
            code = str(criterion["id"])
            levels = criterion.get("levels") or []
            row: dict[str, Any] = {"criterion": criterion}
            if levels:
                name = f"{code}-level"
                self.fields[name] = forms.TypedChoiceField(
                    label=_("Level"),
                    # escaped HTML, in <span lang="en"> when the level fell back to English
                    choices=[
                        (str(i), language_of_parts.part(level)) for i, level in enumerate(levels)
                    ],
                    coerce=int,
                    widget=forms.RadioSelect,
                )
                row["level"] = name
            self.fields[f"{code}-percent"] = forms.FloatField(
                label=_("Score (%)"), min_value=0, max_value=100
            )
            self.fields[f"{code}-comment"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            row["percent"] = f"{code}-percent"
            row["comment"] = f"{code}-comment"
            self.rows.append(row)

    def bound_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": row["criterion"],
                "level": self[row["level"]] if "level" in row else None,
                "percent": self[row["percent"]],
                "comment": self[row["comment"]],
            }
            for row in self.rows
        ]

    def scores(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            str(criterion["id"]): {
                "level": data.get(f"{criterion['id']}-level"),
                "percent": data.get(f"{criterion['id']}-percent"),
                "comment": data.get(f"{criterion['id']}-comment", ""),
            }
            for criterion in self.rubric
        }
