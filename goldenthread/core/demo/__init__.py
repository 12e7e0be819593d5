"""Demo data: five illustrative partnerships whose indicators carry real published
statistics for Trafford (``data/``, Open Government Licence v3.0, compiled by Trafford Data
Lab). ``load.load_demo`` writes it; ``manage.py load_demo`` is the way in."""
