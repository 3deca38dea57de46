from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("offers", "0007_personal_offers_to_vouchers")]

    operations = [
        migrations.RemoveField(model_name="offer", name="owner"),
        migrations.RemoveField(model_name="offer", name="personal"),
    ]
