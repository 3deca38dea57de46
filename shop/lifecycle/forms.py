from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Review

# Control and format characters (right-to-left overrides, zero-width) would let a comment
# disguise itself when shown; line breaks stay allowed.
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _plain(value: str, *, newlines: bool) -> str:
    allowed = {"\n", "\r"} if newlines else set()
    if any(c not in allowed and unicodedata.category(c) in UNSAFE_CATEGORIES for c in value):
        raise forms.ValidationError(_("Please use letters, numbers and punctuation only."))
    return value


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Review
        fields = ("rating", "comment", "author_name")
        labels = {"comment": _("What did you and your pet think? (optional)")}
        widgets = {"comment": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}

    def clean_comment(self) -> str:
        return _plain(self.cleaned_data["comment"].strip(), newlines=True)

    def clean_author_name(self) -> str:
        return _plain(self.cleaned_data["author_name"].strip(), newlines=False)
