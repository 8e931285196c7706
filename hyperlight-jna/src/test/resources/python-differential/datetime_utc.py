import datetime as dt
from zoneinfo import ZoneInfo
utc = ZoneInfo("UTC")
d = dt.datetime(2024, 2, 29, 13, 45, 30, 123456, tzinfo=utc)
print(d, d.isoformat(), d.isoformat(timespec="seconds"), d.timestamp(), d.weekday(), d.isoweekday(), d.isocalendar())
print(d.strftime("%Y-%m-%d %H:%M:%S %a %A %b %B %j %U %W %p %I %y %Z %z %%"), d.tzname(), d.utcoffset(), d.dst())
print(d + dt.timedelta(days=1, hours=12), d - dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), d.replace(year=2025, day=28))
print(dt.datetime.fromisoformat("2021-03-04T05:06:07.5+02:00"), dt.datetime.fromisoformat("2021-03-04").date(), dt.date.fromisoformat("2020-W01-1"))
print(dt.datetime.strptime("15/01/2024 08:30", "%d/%m/%Y %H:%M"), dt.datetime.fromtimestamp(1700000000, tz=dt.timezone.utc), dt.datetime.fromtimestamp(0, dt.UTC))
td = dt.timedelta(days=-1, seconds=5, microseconds=7); print(td, td.total_seconds(), repr(td), dt.timedelta(hours=36) // dt.timedelta(hours=5), abs(td))
print(dt.date(2024, 12, 31).toordinal(), dt.date.fromordinal(738000), dt.date(2023, 1, 1) < dt.date(2023, 1, 2), dt.date(2024, 3, 1) - dt.date(2024, 2, 1))
print(dt.time(23, 59, 59, 999999).isoformat(), dt.time(8, 5).strftime("%H:%M"), dt.timezone(dt.timedelta(hours=-5, minutes=-30)), dt.timezone.utc)
print(d.astimezone(dt.timezone(dt.timedelta(hours=9))), d.astimezone(utc) == d, dt.datetime(2024, 1, 1) == dt.datetime(2024, 1, 1, 0, 0))
print(dt.datetime.min, dt.datetime.max, dt.date.resolution, dt.datetime(2024, 5, 6).ctime(), repr(d), dt.datetime.combine(dt.date(2020, 1, 2), dt.time(3, 4)))
