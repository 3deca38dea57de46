from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from kernel.images import validate_image_upload
from kernel.languages import default_language, language_codes, localized_name


class PetType(models.TextChoices):
    DOG = "dog", _("Dog")
    CAT = "cat", _("Cat")
    SMALL_PET = "small_pet", _("Small pet")
    BIRD = "bird", _("Bird")
    FISH = "fish", _("Fish")


class PackUnit(models.TextChoices):
    GRAM = "g", _("g")
    KILOGRAM = "kg", _("kg")
    MILLILITRE = "ml", _("ml")
    LITRE = "l", _("l")
    PIECE = "pcs", _("pieces")


class Season(models.TextChoices):
    ALL_YEAR = "all", _("All year")
    SPRING = "spring", _("Spring")
    SUMMER = "summer", _("Summer")
    AUTUMN = "autumn", _("Autumn")
    WINTER = "winter", _("Winter")
    RAINY = "rainy", _("Rainy season")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # modeltranslation's manager, declared rather than swapped in by it at start-up (it leaves
    # one that is already multilingual as it is): the same manager, which type checkers can see.
    objects: ClassVar[MultilingualManager[Category]] = MultilingualManager()

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        # Two levels only: the navigation and filters are built for that.
        if self.parent is not None and self.parent.parent_id:
            raise ValidationError({"parent": _("A subcategory cannot have subcategories.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})

    def get_absolute_url(self) -> str:
        return slug_url("catalog:category", self.slug)


def slug_url(view: str, slug: str) -> str:
    """`reverse(view, kwargs={"slug": slug})`, remembered: a listing links every card to its
    product and category, and reversing is a good part of rendering one."""
    return _slug_url(view, slug, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=100_000)
def _slug_url(view: str, slug: str, urlconf: str, prefix: str) -> str:
    return reverse(view, kwargs={"slug": slug}, urlconf=urlconf)


# A search reads this much of what was typed (the search box's maxlength), and this many words.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 10


def search_words(query: str) -> list[str]:
    """The words of a search, in any script, without punctuation, operators or control
    characters: `"dog -bed" OR ---` gives ["dog", "bed", "OR"]."""
    return re.findall(r"[^\W_]+", query[:SEARCH_MAX_LENGTH])[:SEARCH_MAX_WORDS]


class ProductQuerySet(models.QuerySet["Product"]):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def in_stock(self) -> Self:
        return self.filter(stock__gt=0)

    def in_category(self, category: Category) -> Self:
        # Category ids from a subquery on the small categories table, rather than an OR
        # across a join that keeps PostgreSQL from using the listing's indexes.
        return self.filter(
            category_id__in=Category.objects.filter(
                Q(pk=category.pk) | Q(parent_id=category.pk)
            ).values("pk")
        )

    def search(self, query: str) -> Self:
        """Products matching a shopper's words, best first.

        Every word must match, in English or in the active language's name or description: on
        PostgreSQL English through full-text search (stemmed and ranked), other languages (and
        other databases) by containment, as Japanese has no spaces to stem words at. Only words
        count: punctuation and search operators (`-`, quotes, `or`) are ignored, so that no
        text, however long or strange, makes a query the database refuses (PostgreSQL's parser
        gives up on 33 `-` in a row).
        """
        words = search_words(query)
        if not words:
            return self.none()
        english, active = default_language(), get_language()
        others = [active] if active in language_codes() and active != english else []
        contained = Q()
        for word in words:
            either = Q()
            for code in others if connection.vendor == "postgresql" else [english, *others]:
                for field in ("name", "description"):
                    either |= Q(**{f"{localized_name(field, code)}__icontains": word})
            contained &= either
        if connection.vendor == "postgresql":
            # The stored vector (English stemmed, other languages word for word), through its
            # GIN index: matched with @@, never `rank > 0` (ts_rank gives 1e-20, not 0, to a
            # document with none of several words), and only matches are ranked.
            search_query = SearchQuery(" ".join(words), search_type="plain", config="english")
            matched = Q(search_vector=search_query)
            if others:
                matched |= contained
            return (
                self.filter(matched)
                .annotate(rank=SearchRank(F("search_vector"), search_query))
                .order_by("-rank", "name")
            )
        return self.filter(contained)

    def for_listing(self) -> Self:
        """Everything a product card shows, in a fixed number of queries."""
        # Not the search vector: no card shows it, and a long description's vector is kilobytes
        # PostgreSQL would otherwise decompress and send for every card (search ranks it in
        # the database all the same).
        return self.select_related("category").prefetch_related("images").defer("search_vector")


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    cost_price = models.DecimalField(
        _("cost price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("What a unit costs us; orders' margins in experiment reports use it."),
    )
    compare_at_price = models.DecimalField(
        _("compare-at price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The former price, shown struck through when higher than the price."),
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    pet_type = models.CharField(_("pet type"), max_length=20, choices=PetType.choices)
    season = models.CharField(
        _("season"), max_length=20, choices=Season.choices, default=Season.ALL_YEAR
    )
    # Consumables: what one pack holds and what one pet uses a day, in the same unit, so that
    # a refill can be suggested on the right day. Both empty for everything else.
    pack_size = models.DecimalField(
        _("pack size"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    pack_unit = models.CharField(_("pack unit"), max_length=3, choices=PackUnit.choices, blank=True)
    daily_use = models.DecimalField(
        _("daily use per pet"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In the pack's unit: e.g. 0.25 (kg) of dry food a day for one dog."),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Name and description in every language, as PostgreSQL searches them: written by a
    # trigger on every insert and update, bulk ones included, with a GIN index (both in
    # migration 0006, PostgreSQL only; elsewhere it stays empty and search uses containment).
    search_vector = SearchVectorField(null=True, editable=False)

    # modeltranslation's manager, declared rather than swapped in by it at start-up (it leaves
    # one that is already multilingual as it is): the same manager, which type checkers can see.
    objects = MultilingualManager.from_queryset(ProductQuerySet)()

    class Meta:
        ordering = ("name",)
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(daily_use__isnull=True) | Q(daily_use__gt=0),
                name="product_daily_use_positive",
            ),
        ]
        # The listings' sort orders, so that a page of 24 reads 24 rows of an index rather
        # than sorting the catalogue.
        indexes = [
            models.Index(fields=["is_active", "pet_type"]),
            # modeltranslation adds the same on each language's name (name_en, name_ja).
            models.Index(fields=["name"], name="product_name"),
            models.Index(fields=["price"], name="product_price"),
            models.Index(fields=["-created_at"], name="product_newest"),
            # The home page's seasonal list, first 8 of a season by name: read in that order
            # from the index, whatever the season's size or where its names fall in the
            # alphabet ("Warm …" coats), where an index on season alone fetched and sorted the
            # whole season, or walking the names skipped every product of other seasons.
            # modeltranslation adds the same on each language's name.
            models.Index(fields=["season", "name"], name="product_season_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("catalog:product", self.slug)

    def clean(self) -> None:
        if self.compare_at_price is not None and self.compare_at_price <= self.price:
            raise ValidationError(
                {"compare_at_price": _("The compare-at price must be higher than the price.")}
            )
        if (self.pack_size is None) != (self.daily_use is None) or (
            self.pack_size is not None and not self.pack_unit
        ):
            raise ValidationError(
                {"daily_use": _("A consumable needs its pack size, unit and daily use; else none.")}
            )

    @property
    def days_per_pack(self) -> float | None:
        """How many days one pack lasts one pet; None for what is not consumed."""
        if self.pack_size is None or not self.daily_use:
            return None
        return float(self.pack_size / self.daily_use)

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def main_image(self) -> ProductImage | None:
        # Uses the prefetched images when there are any: no query per card.
        images = list(self.images.all())
        return images[0] if images else None


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("image"),
        upload_to="products/",
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=200,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # {"webp": {"320": "renditions/…/320.webp", …}, "jpeg": {…}}: written by the renditions task.
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.alt_text

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An image saved through `image.save(name, content)` can reach the database without its
        # size; every later load of the row would then open the file to measure it (Django's
        # ImageField fills a missing width and height on load). Measure it once, here.
        if self.image and (self.width is None or self.height is None):
            self.width, self.height = self.image.width, self.image.height
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "width", "height"}
        super().save(*args, **kwargs)
