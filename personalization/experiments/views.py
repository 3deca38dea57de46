from __future__ import annotations

from functools import lru_cache

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..signed import kept_for
from .events import EventKind, record


def local_target(url: str) -> bool:
    """Whether `url` is a path on this site ("/…"), never another host in disguise."""
    if not isinstance(url, str):
        return False
    return kept_for(_local_path, url)(url)


# Every page's next best action and tested slots check the same few links: once per process.
@lru_cache(maxsize=4096)
def _local_path(url: str) -> bool:
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def click_url(experiment: str, target: str) -> str:
    """The link a slot's button takes, through `click` when the target is on this site (other
    targets are linked directly and not counted)."""
    if not local_target(target):
        return target
    return f"{reverse('experiments:click')}?{urlencode({'e': experiment, 'next': target})}"


@never_cache
@require_safe
def click(request: HttpRequest) -> HttpResponse:
    """Count a click on a tested slot's button, then go to its target on this site.

    The target must be a path on this site: a forged link leads nowhere else. What is counted
    is the clicking visitor's own arm, worked out here (a link copied from someone else counts
    for nobody but its clicker, and only if they take part)."""
    target = request.GET.get("next", "")
    if not local_target(target):
        target = "/"
    experiment = request.GET.get("e", "")
    if request.method == "GET" and experiment:
        record(request, EventKind.CLICK, experiment=experiment)
    return HttpResponseRedirect(target)
