from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from kernel.images import validate_image_upload
from kernel.languages import text_in, texts_of
from kernel.regions import COUNTRIES, iso_countries
from kernel.scheduling import Scheduled, ScheduledQuerySet
from kernel.snapshot import Snapshot

from .rules import condition_clean, condition_describe

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _postal(value: str) -> str:
    """Postal codes compared without spaces and dashes: 100-1234 starts with 1001."""
    return re.sub(r"[\s-]", "", value).upper()


class RegionSetQuerySet(models.QuerySet):
    def cached(self) -> tuple[RegionSet, ...]:
        """The active sets, from the per-process snapshot: no query in the steady state."""
        return REGION_SETS.get()


REGION_SETS: Snapshot[tuple[RegionSet, ...]] = Snapshot(
    "region-sets",
    load=lambda: tuple(RegionSet.objects.filter(is_active=True)),
    depends_on=("personalization.RegionSet",),
)

# The sets containing a place, worked out once per place for the sets loaded (every request
# asks, and a place is one of a few thousand).
_containing: dict[tuple[str, str, str], tuple[RegionSet, ...]] = {}
_containing_of: tuple[RegionSet, ...] = ()
_CONTAINING_KEPT = 10_000


def region_sets_containing(
    *, country: str, region: str = "", postal_code: str = ""
) -> tuple[RegionSet, ...]:
    """The active region sets a place is in."""
    global _containing_of
    sets = REGION_SETS.get()
    if sets is not _containing_of:  # reloaded: what the old sets held no longer counts
        _containing.clear()
        _containing_of = sets
    key = (country, region, postal_code)
    found = _containing.get(key)
    if found is None:
        if len(_containing) >= _CONTAINING_KEPT:
            _containing.clear()
        found = _containing[key] = tuple(
            region_set
            for region_set in sets
            if region_set.contains(country=country, region=region, postal_code=postal_code)
        )
    return found


class RegionSet(models.Model):
    """A named group of regions ("Rural Japan", "Kansai") shared by content rules and offers.

    A visitor is in the set when they are in its country and in one of its regions, or their
    postal code starts with one of its prefixes; a set with neither covers the whole country.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    country = models.CharField(_("country"), max_length=2)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    postal_prefixes = models.JSONField(
        _("postal-code prefixes"),
        default=list,
        blank=True,
        help_text=_("Postal codes starting with these belong to the set, e.g. 098 or 905-."),
    )
    is_rural = models.BooleanField(
        _("rural"), default=False, help_text=_("Visitors in this set count as living rurally.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RegionSetQuerySet.as_manager()

    class Meta:
        ordering = ("country", "name")
        verbose_name = _("region set")
        verbose_name_plural = _("region sets")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.country not in iso_countries():
            raise ValidationError({"country": _("Choose a country.")})
        known = COUNTRIES.get(self.country)
        unknown = [code for code in self.regions if not known or code not in known.regions]
        if unknown:
            raise ValidationError(
                {
                    "regions": _("Not regions of this country: %(codes)s")
                    % {"codes": ", ".join(unknown)}
                }
            )
        bad = [
            p
            for p in self.postal_prefixes
            if not re.fullmatch(r"[A-Za-z0-9 -]{1,10}", p) or not _postal(p)
        ]
        if bad:
            raise ValidationError(
                {"postal_prefixes": _("Not postal-code prefixes: %(p)s") % {"p": ", ".join(bad)}}
            )

    def contains(self, *, country: str, region: str = "", postal_code: str = "") -> bool:
        if country != self.country:
            return False
        if not self.regions and not self.postal_prefixes:
            return True
        if region and region in self.regions:
            return True
        postal = _postal(postal_code)
        return bool(postal) and any(
            postal.startswith(prefix) for prefix in map(_postal, self.postal_prefixes) if prefix
        )


class SegmentMatch(models.TextChoices):
    ALL = "all", _("all of the conditions")
    ANY = "any", _("any of the conditions")
    NONE = "none", _("none of the conditions")


class Segment(models.Model):
    """A named group of visitors: all, any or none of a list of conditions on their facts."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    match = models.CharField(
        _("match"), max_length=4, choices=SegmentMatch.choices, default=SegmentMatch.ALL
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive segment matches nobody.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name


class Condition(models.Model):
    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="conditions"
    )
    fact = models.CharField(_("fact"), max_length=50)
    operator = models.CharField(_("operator"), max_length=20)
    value = models.JSONField(_("value"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self) -> str:
        return condition_describe(self.fact, self.operator, self.value)

    def clean(self) -> None:
        try:
            self.value = condition_clean(self.fact, self.operator, self.value)
        except ValidationError as error:
            raise ValidationError(
                _("Condition “%(fact)s”: %(error)s")
                % {"fact": self.fact, "error": " ".join(error.messages)}
            ) from None


class SlotKind(models.TextChoices):
    BANNER = "banner", _("Banner (large picture and headline)")
    STRIP = "strip", _("Strip (one line across the page)")
    CARD = "card", _("Card (small box)")


class Slot(models.Model):
    """A named place on a page (`{% slot "home-hero" %}`) with content that always exists."""

    key = models.SlugField(
        _("key"), unique=True, help_text=_("As used in templates, e.g. home-hero.")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=SlotKind.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("key",)
        verbose_name = _("slot")
        verbose_name_plural = _("slots")

    def __str__(self) -> str:
        return self.name


class Variant(Scheduled):
    """One version of a slot's content, shown to a segment (or everyone) during a period.

    A slot's variants are tried by priority (lowest number first); the first that is live,
    in the visitor's language and whose segment matches wins. The default variant (no segment,
    no dates) is what everybody else sees.
    """

    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="variants"
    )
    name = models.CharField(_("internal name"), max_length=100)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Shown when no other variant fits. Each slot has exactly one."),
    )
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Simple HTML: paragraphs, bold, italic, links, lists.")
    )
    image = models.ImageField(
        _("image"), upload_to="content/", blank=True, width_field="width",
        height_field="height", validators=[validate_image_upload],
    )  # fmt: skip
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        _("alt text"), max_length=200, blank=True, help_text=_("Required with an image.")
    )
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    cta_label = models.CharField(_("button label"), max_length=60, blank=True)
    cta_url = models.CharField(
        _("button link"), max_length=300, blank=True, help_text=_("/products/ or https://…")
    )
    # A block the project computes (personalization/blocks.py), shown instead of text.
    block = models.CharField(
        _("block"),
        max_length=50,
        blank=True,
        help_text=_("Show a block the shop computes, e.g. recommendations, instead of text."),
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
        help_text=_("Who sees it. Empty: everyone."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are tried first.")
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=[("", _("All languages"))] + [
            ("en", _("English")), ("ja", _("Japanese"))],
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # modeltranslation's manager, declared rather than swapped in by it at start-up (it leaves
    # one that is already multilingual as it is): the same manager, which type checkers can see.
    objects = MultilingualManager.from_queryset(ScheduledQuerySet)()

    # Not a field: the body in every language, sanitized, set on the variants the content
    # snapshot holds (`personalization.slots.content_load`).
    bodies_html: dict[str, str]

    class Meta:
        ordering = ("slot", "-is_default", "priority", "id")
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=models.Q(is_default=True), name="one_default_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shows_nothing(self) -> bool:
        """No headline, text, picture or button: the slot is left out of the page, not shown
        as an empty box with only "Why am I seeing this?" in it."""
        return not (
            self.block or self.headline or self.body.strip() or self.image or self.cta_label
        )

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.image and not self.alt_text.strip():
            errors["alt_text"] = _("Describe the image for people who cannot see it.")
        # A path on this site or a web address; "//host" and "/\\host" lead elsewhere.
        if self.cta_url and not re.fullmatch(r"(/(?![/\\])|https?://)[^\s\\]*", self.cta_url):
            errors["cta_url"] = _("Use a link on this site (/…) or a web address (https://…).")
        if self.cta_label and not self.cta_url:
            errors["cta_url"] = _("A button needs a link.")
        if self.block:
            from .blocks import block_get

            if block_get(self.block) is None:
                errors["block"] = _("No block is called “%(key)s”.") % {"key": self.block}
        errors.update(self.schedule_errors())
        if self.is_default and (self.segment_id or self.starts_at or self.ends_at):
            errors["is_default"] = _("The default is for everyone, always: no segment or dates.")
        if errors:
            raise ValidationError(errors)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Short text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")


class Question(models.Model):
    """One progressive-profiling question ("Dog, cat or another friend?"), asked at most once."""

    key = models.CharField(
        _("key"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z][a-z0-9_]*$", _("Lower-case letters, digits and _ only."))
        ],
        help_text=_("The answer becomes the fact answer.<key>, e.g. answer.pet."),
    )
    prompt = models.CharField(_("question"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("order"), default=100)
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("only ask"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Ask only visitors in this segment."),
    )
    prerequisite = models.ForeignKey(
        "self",
        verbose_name=_("after"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Ask only once this question is answered."),
    )
    prerequisite_value = models.CharField(
        _("with the answer"), max_length=50, blank=True, help_text=_("Empty: any answer.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    # modeltranslation's manager, declared rather than swapped in by it at start-up (it leaves
    # one that is already multilingual as it is): the same manager, which type checkers can see.
    objects: ClassVar[MultilingualManager[Question]] = MultilingualManager()

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt

    @property
    def fact(self) -> str:
        return f"answer.{self.key}"

    def prompt_in(self, language: str) -> str:
        return text_in(texts_of(self, "prompt"), language)

    def choices_in(self, language: str) -> list[tuple[str, str]]:
        """(value, label) of each choice, labelled in `language`, else in English."""
        return [(c["value"], text_in(texts_of(c, "label"), language)) for c in self.choices]


class Answer(models.Model):
    """A signed-in shopper's answer. Anonymous visitors' answers live in their session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_answers"
    )
    key = models.SlugField(_("question"))
    value = models.JSONField(_("answer"))
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        ordering = ("answered_at",)
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class SnapshotVersion(models.Model):
    """The version of one per-process snapshot of editor data (see kernel/snapshot.py).

    The shared cache tells workers quickly; this row is the truth, written in the transaction
    that changes the data, so a change made while the cache could not be reached is still seen.
    """

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    version = models.CharField(_("version"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("snapshot version")
        verbose_name_plural = _("snapshot versions")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
