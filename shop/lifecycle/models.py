from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager


class CareGuide(models.Model):
    """How to look after what was bought in one category ("Settling a new cat tree"), written by
    editors in every language and suggested once the order has arrived."""

    category = models.OneToOneField(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="care_guide",
    )
    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a paragraph."))
    is_active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[MultilingualManager[CareGuide]] = MultilingualManager()

    class Meta:
        ordering = ("title",)
        verbose_name = _("care guide")
        verbose_name_plural = _("care guides")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:guide", kwargs={"slug": self.slug})

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class Review(models.Model):
    """A customer's rating of a product they bought: one per product and customer."""

    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE,
        related_name="reviews",
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.CASCADE,
        related_name="reviews",
    )  # fmt: skip
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    # Shown under the review: the name the customer gave, never their e-mail.
    author_name = models.CharField(_("shown as"), max_length=50)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="review_one_per_customer"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.rating}/5)"
