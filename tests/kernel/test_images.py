"""An image already stored is checked again whenever its model is validated (every save from
the admin or the demo loader): that must work however the file was last used."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile

from kernel.images import image_sources
from personalization.models import Slot, Variant
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def test_a_stored_image_validates_again_after_its_file_was_read_and_closed():
    variant = Variant(
        slot=Slot.objects.get(key="home-hero"), name="Cats", headline="For cats",
        alt_text="A cat", is_active=False,
    )  # fmt: skip
    variant.image.save("cats.png", ContentFile(png_bytes()), save=False)
    variant.save()

    stored = Variant.objects.get(pk=variant.pk)
    stored.image.open("rb")
    stored.image.read()
    stored.image.close()  # as a rendition task or a template that read it leaves it
    stored.headline = "For cat people"
    stored.full_clean()  # no "I/O operation on closed file"
    stored.full_clean()  # and again


def test_srcsets_follow_the_media_address_they_are_served_from(settings):
    image = SimpleNamespace(renditions={"jpeg": {"640": "r/a-640.jpg", "320": "r/a-320.jpg"}})
    settings.MEDIA_URL = "/media/"
    [jpeg] = image_sources(image)
    assert jpeg.srcset == "/media/r/a-320.jpg 320w, /media/r/a-640.jpg 640w"
    settings.MEDIA_URL = "https://cdn.example.com/media/"
    [jpeg] = image_sources(image)
    assert jpeg.srcset.startswith("https://cdn.example.com/media/r/a-320.jpg 320w")
