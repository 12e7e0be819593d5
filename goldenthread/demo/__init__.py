"""The demo: five illustrative partnerships whose indicators carry real published
statistics for Trafford (``data/``, Open Government Licence v3.0, compiled by Trafford Data
Lab), built through the same services as everything else (``load.load_demo``), from a
catalogue kept as data (``data/catalogue/*.toml``). ``manage.py load_demo`` is the way in.
Nothing in ``goldenthread.core`` imports it."""
