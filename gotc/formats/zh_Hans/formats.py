"""Chinese date formats of program days, next to Django's own (django/conf/locale/zh_Hans)."""

DAY_SHORT_FORMAT = "n月j日 D"  # 5月27日 周六
DAY_LONG_FORMAT = "Y年n月j日 l"  # 2023年5月27日 星期六
# "D" with these names (agenda.templatetags.program): Django's Chinese catalogue gives the
# abbreviated weekday the full name (星期六), where a date in a list reads 周六.
WEEKDAYS_ABBR = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
