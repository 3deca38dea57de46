from __future__ import annotations

import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from PIL import Image

from accounts.models import User
from shop.catalog.models import Category, PetType, Product, ProductImage
from shop.stores.models import Store


def png_bytes(width: int = 64, height: int = 64, color: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    category = factory.SubFactory(CategoryFactory)
    description = "A thing pets love."
    price = Decimal("1200")
    stock = 10
    pet_type = PetType.DOG


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="picture.png"))
    alt_text = "A picture of the product"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"Store {n}")
    slug = factory.Sequence(lambda n: f"store-{n}")
    country = "JP"
    region = "JP-28"
    city = "Kobe"
    address = "1-1 Sannomiya"
    postal_code = "650-0001"
    latitude = Decimal("34.69")
    longitude = Decimal("135.19")
    time_zone = "Asia/Tokyo"
    opens_at = "10:00"
    closes_at = "20:00"
