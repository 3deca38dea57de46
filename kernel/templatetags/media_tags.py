from __future__ import annotations

from typing import Any

from django import template

from kernel.images import Picture, image_sources

register = template.Library()


@register.inclusion_tag("partials/_picture.html")
def picture(
    image: Picture | None, sizes: str = "100vw", eager: bool = False, css_class: str = ""
) -> dict[str, Any]:
    """A responsive <picture>: WebP and JPEG renditions when made, the original otherwise."""
    return {
        "image": image,
        "sources": image_sources(image) if image else [],
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
    }
