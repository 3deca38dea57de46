from django.db import migrations


def personal_offers_to_vouchers(apps, schema_editor):
    """Thank-you vouchers were offers: make each a voucher of its owner, keep the orders that
    used one pointing at it, and count earlier uses by customer key."""
    Offer = apps.get_model("offers", "Offer")
    PersonalVoucher = apps.get_model("offers", "PersonalVoucher")
    OrderDiscount = apps.get_model("offers", "OrderDiscount")
    from django.utils import timezone

    from shop.offers.models import customer_key

    for offer in Offer.objects.filter(personal=True):
        use = OrderDiscount.objects.filter(offer=offer).first()
        owned = offer.owner_id is not None
        if owned and PersonalVoucher.objects.filter(owner_id=offer.owner_id).exists():
            owned = False  # one reward per account: an older duplicate stays unowned
        voucher = PersonalVoucher.objects.create(
            code=offer.code, reason="profile", percent=offer.value, name=offer.name,
            name_ja=offer.name_ja, owner_id=offer.owner_id if owned else None,
            expires_at=offer.ends_at or timezone.now(),
            used_at=timezone.now() if offer.times_used else None,
            order_id=use.order_id if use else None,
        )
        OrderDiscount.objects.filter(offer=offer).update(offer=None, voucher=voucher)
        offer.delete()
    for discount in OrderDiscount.objects.filter(customer_key=""):
        discount.customer_key = customer_key(discount.customer_email)
        discount.save(update_fields=["customer_key"])


class Migration(migrations.Migration):
    dependencies = [("offers", "0006_personal_voucher_model")]

    operations = [migrations.RunPython(personal_offers_to_vouchers, migrations.RunPython.noop)]
