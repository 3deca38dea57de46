from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..services import action_html

register = template.Library()


@register.simple_tag(takes_context=True)
def next_best_action(context: template.Context, place: str) -> SafeString:
    """{% next_best_action "home" %}: the one action worth showing this visitor here, if any."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    # render_to_string escaped everything a provider wrote; the markup itself is ours.
    return mark_safe(action_html(request, place))  # noqa: S308
