"""Image uploads: validation against bad files and decompression bombs, and renditions.

Shared by product pictures and content variants; it lives in the kernel so that both can use it
without one importing the other.

Renditions are resized copies in several widths, as WebP and JPEG, written next to the media
files by a Celery task. Pages build `srcset` from whatever renditions exist and fall back to the
original file, so an image is never broken while its renditions are still being made.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from django.core.files import File
    from django.db.models.fields.files import FieldFile


class Picture(Protocol):
    """Anything with an uploaded image and its renditions: a product image, a variant."""

    # Read-only members, so that a model's ImageFieldFile is a FieldFile here.
    @property
    def pk(self) -> Any: ...
    @property
    def image(self) -> FieldFile: ...
    @property
    def renditions(self) -> dict[str, dict[str, str]]: ...


ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
FORMATS = {"webp": ("WEBP", "image/webp"), "jpeg": ("JPEG", "image/jpeg")}


def validate_image_upload(file: File[bytes]) -> None:
    """Refuse anything that is not a reasonably sized JPEG, PNG, WebP or GIF image."""
    max_bytes = settings.SHOP_IMAGE_MAX_BYTES
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)d MB; the limit is %(limit)d MB.")
            % {"size": file.size // 2**20, "limit": max_bytes // 2**20}
        )
    if getattr(file, "closed", False) and hasattr(file, "open"):
        # A stored image (validated again on every full_clean) whose file was read and
        # closed, or never opened in this process: open it from storage to check it.
        file.open("rb")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        # Opening reads only the header, so the pixel count is known before any decoding.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."))
                width, height = image.size
                if width * height > settings.SHOP_IMAGE_MAX_PIXELS:
                    raise ValidationError(
                        _("The image is %(w)d×%(h)d pixels, which is too large.")
                        % {"w": width, "h": height}
                    )
                image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("This file is not an image we can use.")) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(_("The image file is damaged or incomplete.")) from None
    finally:
        file.seek(position)


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


def image_sources(image: Picture) -> list[Source]:
    """`<source>` entries for a `<picture>`: WebP first, then JPEG, widest last."""
    renditions = tuple(
        (key, tuple(sorted((image.renditions.get(key) or {}).items(), key=lambda i: int(i[0]))))
        for key in FORMATS
    )
    # Worked out once per set of renditions and media address: a listing shows dozens.
    return list(_sources(renditions, str(getattr(default_storage, "base_url", ""))))


@lru_cache(maxsize=20_000)
def _sources(
    renditions: tuple[tuple[str, tuple[tuple[str, str], ...]], ...], _base_url: str
) -> tuple[Source, ...]:
    return tuple(
        Source(
            type=FORMATS[key][1],
            srcset=", ".join(f"{default_storage.url(path)} {width}w" for width, path in widths),
        )
        for key, widths in renditions
        if widths
    )


def renditions_make(image: Picture, *, folder: str) -> dict[str, dict[str, str]]:
    """Write every rendition of an image under renditions/<folder>/ and return the map to
    store on it."""
    if not image.image.name:
        raise ValueError(f"{image!r} has no file to make renditions of.")
    stem = PurePosixPath(image.image.name).stem
    result: dict[str, dict[str, str]] = {key: {} for key in FORMATS}
    with image.image.open("rb") as source, Image.open(source) as opened:
        original = ImageOps.exif_transpose(opened)
        for width in settings.SHOP_IMAGE_RENDITION_WIDTHS:
            if width > original.width and result["jpeg"]:
                break  # never upscale; the largest rendition is the original's width
            resized = original.copy()
            resized.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
            for key, (pil_format, _mime) in FORMATS.items():
                converted = resized.convert("RGB") if pil_format == "JPEG" else resized
                buffer = io.BytesIO()
                converted.save(buffer, pil_format, quality=82, optimize=pil_format == "JPEG")
                extension = "jpg" if key == "jpeg" else key
                name = f"renditions/{folder}/{image.pk}/{stem}-{resized.width}.{extension}"
                if default_storage.exists(name):
                    default_storage.delete(name)
                result[key][str(resized.width)] = default_storage.save(
                    name, ContentFile(buffer.getvalue())
                )
    return result
