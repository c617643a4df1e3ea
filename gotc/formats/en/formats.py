"""English date formats of program days, next to Django's own (django/conf/locale/en)."""

DAY_SHORT_FORMAT = "D j M"  # Sat 27 May
DAY_LONG_FORMAT = "l, j F Y"  # Saturday, 27 May 2023
