"""Issue 17: residents' feedback on public pages and the Cabinet quarterly report."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0022_partnership_health_check")]

    operations = []
