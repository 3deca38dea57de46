"""Signed cookies checked once per process per value, and headers read straight from META."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from personalization.experiments.views import _local_path, local_target
from personalization.history import _viewed, viewed_stored
from personalization.signed import KEPT_LENGTH, MetaHeaders, _unsigned, signed_cookie


def _signed(name: str, value: str, salt: str) -> str:
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=salt)
    return response.cookies[name].value


def test_a_signed_cookie_reads_as_django_reads_it(rf: RequestFactory):
    request = rf.get("/")
    request.COOKIES["pref"] = _signed("pref", "cats", "salt-a")
    assert signed_cookie(request, "pref", salt="salt-a") == "cats"
    assert signed_cookie(request, "pref", salt="salt-a") == "cats"  # from the memo
    assert signed_cookie(request, "pref", salt="salt-b") is None  # another purpose's salt
    assert signed_cookie(request, "missing", salt="salt-a") is None


def test_a_tampered_or_moved_cookie_does_not_verify(rf: RequestFactory):
    request = rf.get("/")
    good = _signed("pref", "cats", "salt-a")
    request.COOKIES["pref"] = good.replace("cats", "dogs")
    assert signed_cookie(request, "pref", salt="salt-a") is None
    request.COOKIES["other"] = good  # signed for "pref": the name is part of the salt
    assert signed_cookie(request, "other", salt="salt-a") is None


def test_a_new_secret_key_is_not_fooled_by_the_memo(rf: RequestFactory, settings):
    request = rf.get("/")
    request.COOKIES["pref"] = _signed("pref", "cats", "salt-a")
    assert signed_cookie(request, "pref", salt="salt-a") == "cats"
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert signed_cookie(request, "pref", salt="salt-a") is None
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "yet-another-secret-key-" + "y" * 40
    assert signed_cookie(request, "pref", salt="salt-a") is None


def test_a_script_padding_values_cannot_fill_the_memos(rf: RequestFactory):
    """Values longer than real ones are checked (and refused) as always, never kept: a script
    sending 10,000 padded cookies or links does not make a worker hold 40 MB."""
    for memo in (_unsigned, _viewed, _local_path):
        memo.cache_clear()
    request = rf.get("/")
    padded = "x" * (KEPT_LENGTH + 1)
    request.COOKIES["pref"] = _signed("pref", "cats " + padded, "salt-a")
    request.COOKIES["sf_viewed"] = padded
    assert signed_cookie(request, "pref", salt="salt-a") == "cats " + padded  # still verified
    assert viewed_stored(request) == ()  # not signed: nothing
    assert local_target("/" + padded) is True
    assert local_target("//evil.example/" + padded) is False
    assert [m.cache_info().currsize for m in (_unsigned, _viewed, _local_path)] == [0, 0, 0]
    request.COOKIES["pref"] = _signed("pref", "cats", "salt-a")
    assert signed_cookie(request, "pref", salt="salt-a") == "cats"
    assert _unsigned.cache_info().currsize == 1  # a real one is kept


def test_headers_are_read_by_their_names_from_meta(rf: RequestFactory):
    request = rf.get("/", headers={"CloudFront-Viewer-Country": "JP", "X-Geo": "a"})
    headers = MetaHeaders(request.META)
    assert headers.get("CloudFront-Viewer-Country") == "JP"
    assert headers.get("cloudfront-viewer-country") == "JP"
    assert headers["X-Geo"] == "a"
    assert headers.get("Fastly-Geo-Country") is None
    assert headers.get("Fastly-Geo-Country", "") == ""
    assert headers.get("", "none") == "none"
    assert "Cloudfront-Viewer-Country" in dict(headers)
