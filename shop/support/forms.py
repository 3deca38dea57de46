from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.images import validate_image_upload

from .models import SavedReply, Topic
from .services import text_clean

MAX_LENGTH = 4000


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_LENGTH}),
    )
    attachment = forms.ImageField(
        label=_("Picture (optional)"),
        required=False,
        validators=[validate_image_upload],
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )

    def clean_body(self) -> str:
        body = text_clean(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(_("Write a few words first."))
        return body


class AskForm(MessageForm):
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Your e-mail"), help_text=_("We answer here and by e-mail."))
    topic = forms.ChoiceField(label=_("About"), choices=Topic.choices, initial=Topic.OTHER)
    order = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    product = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    field_order = ("name", "email", "topic", "body", "attachment", "order", "product")

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:
            # The account's address and name are used: nothing to type.
            del self.fields["email"]
            del self.fields["name"]

    def clean_name(self) -> str:
        return text_clean(self.cleaned_data.get("name", ""))[:100]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_LENGTH}),
    )
    close = forms.BooleanField(label=_("Close the conversation with this reply"), required=False)

    def clean_body(self) -> str:
        body = text_clean(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(_("Write a few words first."))
        return body


class SavedReplyChoiceForm(forms.Form):
    saved = forms.ModelChoiceField(
        label=_("Saved reply"), queryset=SavedReply.objects.all(), empty_label=_("Choose…")
    )


class CsatForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Was this helpful?"),
        coerce=int,
        choices=[
            (5, _("Yes, very")),
            (4, _("Yes")),
            (3, _("Partly")),
            (2, _("Not really")),
            (1, _("No")),
        ],
        widget=forms.RadioSelect,
    )
