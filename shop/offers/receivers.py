"""The shop's answer to personalization events: a thank-you voucher for answering questions."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.dispatch import receiver

from personalization.identity import visitor_id
from personalization.profiling import REWARD_KEY, data_erased, data_exported, profile_answered

from .applicator import sentence_until
from .models import PersonalVoucher, VoucherReason
from .vouchers import voucher_grant, vouchers_claim

# Answers needed for the reward.
REWARD_AFTER = 2


@receiver(profile_answered, dispatch_uid="reward_profile_answers")
def reward_answers(sender, request, answers, **kwargs) -> None:
    if len(answers) < REWARD_AFTER or request.session.get(REWARD_KEY):
        return
    voucher = voucher_grant(
        reason=VoucherReason.PROFILE, user=request.user, visitor_id=visitor_id(request)
    )
    if voucher is not None:
        request.session[REWARD_KEY] = {
            "code": voucher.code,
            "sentence": sentence_until(voucher.shown_name, voucher.expires_at),
        }


@receiver(user_logged_in, dispatch_uid="reward_claim_on_login")
def claim_reward(sender, request, user, **kwargs) -> None:
    """A voucher earned before signing in becomes the account's."""
    if request is not None:
        vouchers_claim(user=user, visitor_id=visitor_id(request, issue=False))


@receiver(data_exported, dispatch_uid="vouchers_export")
def export_vouchers(sender, request, **kwargs) -> dict:
    owner = Q(owner=request.user) if request.user.is_authenticated else Q(pk__in=[])
    browser = visitor_id(request, issue=False)
    if browser:
        owner |= Q(owner=None, visitor_id=browser)
    return {
        "vouchers": [
            {
                "code": voucher.code,
                "name": voucher.shown_name,
                "expires": voucher.expires_at.isoformat(),
                "used": voucher.used_at.isoformat() if voucher.used_at else None,
            }
            for voucher in PersonalVoucher.objects.filter(owner)
        ]
    }


@receiver(data_erased, dispatch_uid="vouchers_erase")
def erase_vouchers(sender, request, **kwargs) -> None:
    """Unclaimed vouchers of this browser go with its visitor id (an account's go with it)."""
    browser = visitor_id(request, issue=False)
    if browser:
        PersonalVoucher.objects.filter(owner=None, visitor_id=browser).delete()
