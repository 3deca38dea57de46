"""Categories and products from `categories.json` and `products.json`, and their pictures.

Product pictures are drawn with Pillow (see `shop.demo.pictures`): nothing is downloaded and
nothing is committed. A product only gets pictures when it has none, so re-runs never add
duplicates and never replace pictures uploaded by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify

from shop.catalog.models import Category, Product, ProductImage, Season
from shop.catalog.services import image_renditions_update
from shop.demo.pictures import detail_picture, product_picture
from shop.demo.rows import Tally, records_read, upsert, yen


@dataclass(frozen=True, kw_only=True)
class DemoCategory:
    name: str
    name_ja: str
    description: str
    description_ja: str
    # {name, name_ja, description, description_ja}
    children: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class DemoProduct:
    name: str
    name_ja: str
    category: str  # slug of a subcategory
    pet_type: str
    price: int  # whole yen
    stock: int
    description: str
    description_ja: str
    compare_at_price: int | None = None
    season: str = Season.ALL_YEAR
    pictures: int = 1  # featured products also get a second, detail picture


def categories_load(*, tally: Tally) -> dict[str, Category]:
    """Load both levels of categories; return them by slug."""
    by_slug: dict[str, Category] = {}
    for position, demo in enumerate(records_read(name="categories", record=DemoCategory)):
        parent, outcome = upsert(
            Category,
            {"slug": slugify(demo.name)},
            {
                "name_en": demo.name,
                "name_ja": demo.name_ja,
                "parent": None,
                "description_en": demo.description,
                "description_ja": demo.description_ja,
                "position": position,
            },
        )
        tally.add("Categories", outcome)
        by_slug[parent.slug] = parent
        for child_position, child_data in enumerate(demo.children):
            child, outcome = upsert(
                Category,
                {"slug": slugify(child_data["name"])},
                {
                    "name_en": child_data["name"],
                    "name_ja": child_data["name_ja"],
                    "parent": parent,
                    "description_en": child_data["description"],
                    "description_ja": child_data["description_ja"],
                    "position": child_position,
                },
            )
            tally.add("Categories", outcome)
            by_slug[child.slug] = child
    return by_slug


def products_load(*, categories: dict[str, Category], tally: Tally) -> None:
    """Load the products, each in a subcategory given by slug."""
    for demo in records_read(name="products", record=DemoProduct):
        _product, outcome = upsert(
            Product,
            {"slug": slugify(demo.name)},
            {
                "name_en": demo.name,
                "name_ja": demo.name_ja,
                "category": categories[demo.category],
                "description_en": demo.description,
                "description_ja": demo.description_ja,
                "price": yen(demo.price),
                "compare_at_price": yen(demo.compare_at_price),
                "stock": demo.stock,
                "pet_type": demo.pet_type,
                "season": demo.season,
                "is_active": True,
            },
        )
        tally.add("Products", outcome)


def product_pictures_load() -> int:
    """Draw pictures for demo products that have none; return how many were made.

    Each product gets its own transaction rather than one around everything: drawing and
    renditions take a while, and on SQLite one long transaction would hold the write lock
    against a running dev server. A failure leaves earlier products complete, and the next
    run picks up the rest because only products without pictures are drawn.
    """
    records = records_read(name="products", record=DemoProduct)
    demos = {slugify(demo.name): demo for demo in records}
    products = (
        Product.objects.filter(slug__in=demos)
        .select_related("category__parent")
        .annotate(image_count=Count("images"))
        .filter(image_count=0)
        .order_by("name")
    )
    made = 0
    for product in products:
        demo = demos[product.slug]
        top = product.category.parent or product.category
        # Seasonal products take their colours from the season, the rest from the department.
        theme = demo.season if top.slug == "seasonal" else top.slug
        drawings = [
            product_picture(
                name=product.name,
                pet_type=product.pet_type,
                label=product.category.name,
                theme=theme,
            )
        ]
        if demo.pictures > 1:
            drawings.append(
                detail_picture(
                    name=product.name, pet_type=product.pet_type, label=product.category.name
                )
            )
        with transaction.atomic():
            for position, drawing in enumerate(drawings):
                image = ProductImage(product=product, alt_text=drawing.alt_text, position=position)
                image.image.save(
                    f"{product.slug}-{position + 1}.png",
                    ContentFile(drawing.content),
                    save=True,
                )
                # Synchronously, not through Celery: the demo should be complete, renditions
                # included, when the command returns, even without a worker running.
                image_renditions_update(image_id=image.pk)
                made += 1
    return made
