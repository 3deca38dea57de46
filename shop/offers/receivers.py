"""The shop's answer to personalization events: a thank-you voucher for answering questions."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from personalization.profiling import REWARD_KEY, profile_answered

from .models import Offer, OfferKind

# Answers needed for the reward, the discount it gives and how long it lasts.
REWARD_AFTER = 2


@receiver(profile_answered, dispatch_uid="reward_profile_answers")
def reward_answers(sender, request, answers, **kwargs) -> None:
    if len(answers) < REWARD_AFTER or request.session.get(REWARD_KEY):
        return
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.personal_offers.exists():
        return
    reward = settings.SHOP_PROFILE_REWARD
    names = {}
    for language in ("en", "ja"):
        with translation.override(language):
            names[language] = _("%(percent)s%% off, thank you for telling us about you") % {
                "percent": reward["percent"]
            }
    offer = Offer.objects.create(
        name=names["en"],
        name_ja=names["ja"],
        kind=OfferKind.PERCENT,
        value=Decimal(reward["percent"]),
        code="THANKS-" + secrets.token_hex(3).upper(),
        owner=user,
        personal=True,
        usage_limit=1,
        per_customer_limit=1,
        ends_at=timezone.now() + datetime.timedelta(days=reward["days"]),
        priority=5,
    )
    request.session[REWARD_KEY] = {
        "code": offer.code,
        "sentence": names.get(translation.get_language(), offer.name),
    }


@receiver(user_logged_in, dispatch_uid="reward_claim_on_login")
def claim_reward(sender, request, user, **kwargs) -> None:
    """A voucher earned before signing in becomes the account's."""
    reward = request.session.get(REWARD_KEY) if request is not None else None
    if reward:
        Offer.objects.filter(code=reward["code"], owner=None).update(owner=user)
