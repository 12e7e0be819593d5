"""Issue 17: the yearly partnership health check."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0021_partner_profiles_and_sign_up")]

    operations = []
