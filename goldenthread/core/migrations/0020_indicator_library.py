"""Issue 16: the council indicator library (one indicator, many partnerships)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0019_polarity_neither")]

    operations = []
