"""Issue 17: signing up to a plan, partner profiles and capacity, contributions from outside."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0020_indicator_library")]

    operations = []
