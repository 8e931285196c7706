import calendar
print(calendar.month(2024, 2))
print(calendar.calendar(2023, w=2, l=1, c=3, m=4)[:400])
print(calendar.isleap(2024), calendar.leapdays(1900, 2025), calendar.weekday(2024, 7, 4), calendar.monthrange(2023, 2), calendar.timegm((2024, 1, 1, 0, 0, 0)))
print(list(calendar.month_name), list(calendar.day_abbr), calendar.monthcalendar(2024, 3))
c = calendar.Calendar(firstweekday=6); print(list(c.iterweekdays()), [d for d in c.itermonthdays(2024, 2)][:10])
print(calendar.HTMLCalendar().formatmonth(2024, 1)[:300])
print(calendar.TextCalendar(calendar.SUNDAY).formatmonth(2025, 12), calendar.Month.MARCH, calendar.Day.FRIDAY)
