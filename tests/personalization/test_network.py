"""The client's address: REMOTE_ADDR, or X-Forwarded-For only when a trusted proxy sent it."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.contrib.auth.models import AnonymousUser

from personalization.visitor import Source, Visitor, resolve_visitor

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)
PROXY = "10.0.0.2"
CLIENT = "203.0.113.9"
ATTACKER = "6.6.6.6"


@pytest.fixture(autouse=True)
def _proxies(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]


def visitor_for(rf, *, remote: str, forwarded: str | None = None) -> Visitor:
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    request = rf.get("/", REMOTE_ADDR=remote, headers=headers)
    request.user = AnonymousUser()
    return resolve_visitor(request=request, now=NOW)


def assert_no_warnings(caplog) -> None:
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_remote_addr_is_the_client_without_trusted_proxies(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = []
    visitor = visitor_for(rf, remote=CLIENT)
    assert visitor["client_ip"] == CLIENT
    assert visitor.source("client_ip") == Source.REQUEST


def test_forwarded_for_is_ignored_without_trusted_proxies(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = []
    assert visitor_for(rf, remote=PROXY, forwarded=ATTACKER)["client_ip"] == PROXY


def test_forwarded_for_from_an_untrusted_address_is_ignored(rf):
    assert visitor_for(rf, remote=CLIENT, forwarded=ATTACKER)["client_ip"] == CLIENT


def test_through_a_trusted_proxy_the_forwarded_client_is_used(rf):
    assert visitor_for(rf, remote=PROXY, forwarded=CLIENT)["client_ip"] == CLIENT


def test_a_trusted_proxy_can_be_a_single_address(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = [PROXY]
    assert visitor_for(rf, remote=PROXY, forwarded=CLIENT)["client_ip"] == CLIENT
    assert visitor_for(rf, remote="10.0.0.3", forwarded=CLIENT)["client_ip"] == "10.0.0.3"


def test_several_trusted_hops_are_skipped(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.0/24"]
    visitor = visitor_for(rf, remote=PROXY, forwarded=f"{CLIENT}, 192.0.2.10, 10.1.2.3")
    assert visitor["client_ip"] == CLIENT


def test_the_right_most_untrusted_hop_is_the_client_not_a_spoofed_left_one(rf):
    visitor = visitor_for(rf, remote=PROXY, forwarded=f"{ATTACKER}, 198.51.100.1, {CLIENT}")
    assert visitor["client_ip"] == CLIENT


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        pytest.param(f"garbage, {CLIENT}", CLIENT, id="garbage-left-of-a-valid-hop"),
        pytest.param(f"{ATTACKER}, garbage", PROXY, id="garbage-right-of-a-spoofed-hop"),
        pytest.param("", PROXY, id="empty"),
        pytest.param("999.1.1.1", PROXY, id="out-of-range"),
        pytest.param(f"{ATTACKER}, 999.1.1.1", PROXY, id="out-of-range-right-of-a-spoofed-hop"),
        pytest.param(",,,", PROXY, id="only-commas"),
        pytest.param(f"{CLIENT}:4711", PROXY, id="with-a-port"),
        pytest.param("\x00\xff", PROXY, id="control-bytes"),
    ],
)
def test_a_malformed_forwarded_for_falls_back_without_trusting_its_left_part(
    rf, caplog, forwarded, client
):
    visitor = visitor_for(rf, remote=PROXY, forwarded=forwarded)
    assert visitor["client_ip"] == client
    assert_no_warnings(caplog)


def test_an_oversized_forwarded_for_still_gives_the_right_most_hop(rf, caplog):
    forwarded = ", ".join([ATTACKER] * 600 + [CLIENT])
    assert len(forwarded) > 5000
    visitor = visitor_for(rf, remote=PROXY, forwarded=forwarded)
    assert visitor["client_ip"] == CLIENT
    assert_no_warnings(caplog)


def test_an_oversized_forwarded_for_cannot_smuggle_in_the_left_part(rf):
    # The client controls everything left of what our proxy appended; padded so that a cut
    # 2,000 characters from the left would end exactly on the attacker's address.
    smuggled = "a" * (2000 - len(f", {ATTACKER}")) + f", {ATTACKER}"
    forwarded = smuggled + ", 198.51.100.1" * 250 + f", {CLIENT}"
    visitor = visitor_for(rf, remote=PROXY, forwarded=forwarded)
    assert visitor["client_ip"] == CLIENT


def test_an_unparsable_remote_addr_gives_no_client(rf, caplog):
    visitor = visitor_for(rf, remote="unix:/run/gunicorn.sock", forwarded=CLIENT)
    assert visitor["client_ip"] is None
    assert_no_warnings(caplog)


def test_an_ipv6_remote_addr_is_the_client(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = []
    assert visitor_for(rf, remote="2001:db8::1")["client_ip"] == "2001:db8::1"


def test_ipv6_addresses_are_normalized(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = []
    assert visitor_for(rf, remote="2001:0DB8:0000:0000::0001")["client_ip"] == "2001:db8::1"


def test_an_ipv6_trusted_proxy_forwards_an_ipv6_client(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["2001:db8:ffff::/48"]
    visitor = visitor_for(rf, remote="2001:db8:ffff::2", forwarded="2001:218::1, 2001:db8:ffff::9")
    assert visitor["client_ip"] == "2001:218::1"


def test_an_ipv6_trusted_proxy_forwards_an_ipv4_client(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]
    visitor = visitor_for(rf, remote="2001:db8:ffff::2", forwarded=f"{CLIENT}, 10.0.0.5")
    assert visitor["client_ip"] == CLIENT


def test_an_ipv6_address_outside_the_trusted_networks_is_not_a_proxy(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["2001:db8:ffff::/48"]
    visitor = visitor_for(rf, remote="2001:db8:eeee::2", forwarded=CLIENT)
    assert visitor["client_ip"] == "2001:db8:eeee::2"
