"""Personal vouchers: granted once per account and per browser, usable by their owner only,
once, and never stacked with another. They are not part of the shared offers that every page
walks: a voucher is looked up by its code when its owner enters one."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kernel.languages import language_codes, localized_name
from kernel.scheduling import is_live
from personalization.identity import visitor_id

from .applicator import (
    OfferCatalog,
    PricingContext,
    code_normalize,
    request_pricing_context,
    sentence_until,
)
from .models import PersonalVoucher, VoucherReason
from .results import VoucherTerms

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Codes are read off a screen and typed: no 0/O or 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _code_new() -> str:
    return "THANKS-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def vouchers_for_codes(
    *,
    codes: Iterable[str],
    user: AbstractBaseUser | AnonymousUser | None,
    visitor_id: str,
    catalog: OfferCatalog,
    now: datetime.datetime,
) -> list[VoucherTerms]:
    """The personal vouchers among the codes entered, each with why this shopper cannot use it
    at `now`: part of fetching what pricing reads.

    Only codes that are not shared offers' (in `catalog`) are looked for, so a shopper who
    entered none (or only campaign codes) costs no query. Someone else's voucher reads like an
    unknown code: a guess never learns that a code exists."""
    unknown = {code_normalize(code) for code in codes} - catalog.by_code.keys() - {""}
    if not unknown:
        return []
    found = []
    for voucher in PersonalVoucher.objects.filter(code__in=unknown):
        names = {"code": voucher.code}
        if not voucher.belongs_to(user=user, visitor_id=visitor_id):
            problem = _("“%(code)s” is not a code we know.") % names
        elif voucher.used_at is not None:
            problem = _("“%(code)s” has already been used.") % names
        elif not is_live(voucher.created_at, voucher.expires_at, now):
            problem = _("“%(code)s” is no longer valid.") % names
        else:
            problem = ""
        sentence = sentence_until(voucher.shown_name, voucher.expires_at)
        found.append(VoucherTerms(voucher.pk, voucher.code, voucher.percent, sentence, problem))
    return found


def vouchers_for_request(
    request: HttpRequest, codes: Iterable[str], *, context: PricingContext | None = None
) -> list[VoucherTerms]:
    """The vouchers among the codes, as of `context` (the request's pricing context unless
    told): the same offers and the same moment as the prices they go with."""
    context = context if context is not None else request_pricing_context(request)
    return vouchers_for_codes(
        codes=codes,
        user=request.user,
        visitor_id=visitor_id(request, issue=False),
        catalog=context.catalog,
        now=context.now,
    )


def voucher_grant(*, reason: str, user, visitor_id: str) -> PersonalVoucher | None:
    """Give a reward voucher unless this account or this browser already had one."""
    owners = Q(visitor_id=visitor_id) if visitor_id else Q(pk__in=[])
    if user is not None and user.is_authenticated:
        owners |= Q(owner=user)
    else:
        user = None
        if not visitor_id:
            return None
    if PersonalVoucher.objects.filter(owners, reason=reason).exists():
        return None
    reward = settings.SHOP_PROFILE_REWARD
    names = {}
    for language in language_codes():
        with translation.override(language):
            names[localized_name("name", language)] = _("%(percent)s%% off your next order") % {
                "percent": reward["percent"]
            }
    try:
        with transaction.atomic():
            return PersonalVoucher.objects.create(
                code=_code_new(),
                reason=reason,
                percent=Decimal(reward["percent"]),
                **names,
                owner=user,
                visitor_id=visitor_id,
                expires_at=timezone.now() + datetime.timedelta(days=reward["days"]),
            )
    except IntegrityError:
        return None  # a simultaneous request for the same account or browser was first


def vouchers_claim(*, user, visitor_id: str) -> None:
    """Vouchers this browser earned before signing in become the account's; a reward the
    account already had is not given twice."""
    if not visitor_id:
        return
    for voucher in PersonalVoucher.objects.filter(owner=None, visitor_id=visitor_id):
        try:
            with transaction.atomic():
                voucher.owner = user
                voucher.save(update_fields=["owner"])
        except IntegrityError:
            # Ended, not deleted: the row still says this browser had its reward.
            PersonalVoucher.objects.filter(pk=voucher.pk).update(expires_at=timezone.now())


# How long an ended voucher is kept, to answer a shopper who asks about it.
KEEP_ENDED = datetime.timedelta(days=90)


def vouchers_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete vouchers that ended (or were used) long ago; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_ENDED
    deleted, _by_model = PersonalVoucher.objects.filter(
        Q(expires_at__lt=cutoff) | Q(used_at__lt=cutoff)
    ).delete()
    return deleted


def vouchers_usable(*, user) -> list[PersonalVoucher]:
    """An account's vouchers that can still be used, for its profile page."""
    return list(user.vouchers.usable(at=timezone.now()))


__all__ = ["VoucherReason", "voucher_grant", "vouchers_claim", "vouchers_for_codes"]
