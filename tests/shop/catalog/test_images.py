from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kernel.images import validate_image_upload
from shop.catalog.services import image_renditions_update
from tests.factories import ProductFactory, ProductImageFactory, png_bytes


def upload(data: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_real_image_is_accepted():
    validate_image_upload(upload(png_bytes()))


def test_a_text_file_named_png_is_refused():
    with pytest.raises(ValidationError, match="not an image"):
        validate_image_upload(upload(b"<?php echo 'hi'; ?>"))


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationError):
        validate_image_upload(upload(png_bytes(200, 200)[:100]))


def test_a_decompression_bomb_is_refused_before_decoding(settings):
    settings.SHOP_IMAGE_MAX_PIXELS = 1_000_000
    buffer = io.BytesIO()
    # 4000×4000 of one colour compresses to a few kB but would take 48 MB to decode.
    Image.new("1", (4000, 4000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="too large"):
        validate_image_upload(upload(buffer.getvalue()))


def test_an_oversized_file_is_refused(settings):
    settings.SHOP_IMAGE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="limit"):
        validate_image_upload(upload(png_bytes(300, 300, "red") + b"\0" * 2048))


@pytest.mark.django_db
def test_renditions_are_made_in_webp_and_jpeg_without_upscaling(settings):
    settings.SHOP_IMAGE_RENDITION_WIDTHS = (320, 640, 1024)
    image = ProductImageFactory(
        image=SimpleUploadedFile("big.png", png_bytes(800, 600), content_type="image/png")
    )
    image_renditions_update(image_id=image.pk)
    image.refresh_from_db()
    assert sorted(image.renditions) == ["jpeg", "webp"]
    assert sorted(image.renditions["webp"], key=int) == ["320", "640"]
    with Image.open(settings.MEDIA_ROOT / image.renditions["webp"]["320"]) as rendition:
        assert rendition.format == "WEBP"
        assert rendition.size == (320, 240)


@pytest.mark.django_db
def test_pages_use_srcset_when_renditions_exist(client):
    image = ProductImageFactory(
        image=SimpleUploadedFile("p.png", png_bytes(700, 700), content_type="image/png")
    )
    image_renditions_update(image_id=image.pk)
    content = client.get(image.product.get_absolute_url()).content.decode()
    assert 'type="image/webp"' in content
    assert "320w" in content and 'sizes="' in content


@pytest.mark.django_db
def test_an_image_without_renditions_falls_back_to_the_original(client):
    image = ProductImageFactory()
    assert image.renditions == {}
    content = client.get(image.product.get_absolute_url()).content.decode()
    assert f'src="{image.image.url}"' in content
    assert "<source" not in content
    assert client.get(image.image.url).status_code == 200


@pytest.mark.django_db
def test_cards_lazy_load_their_images(client):
    ProductImageFactory(product=ProductFactory(name="Lazy"))
    content = client.get("/products/").content.decode()
    assert 'loading="lazy"' in content


@pytest.mark.django_db
def test_an_image_saved_by_code_keeps_its_size_so_loading_it_never_opens_the_file():
    from django.core.files.base import ContentFile

    from shop.catalog.models import ProductImage

    image = ProductImage(product=ProductFactory(), alt_text="A bowl", position=0)
    image.image.save("bowl.png", ContentFile(png_bytes(300, 200)), save=True)
    assert ProductImage.objects.filter(pk=image.pk).values_list("width", "height").get() == (
        300,
        200,
    )
