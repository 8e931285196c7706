import time
t = time.gmtime(1700000000)
print(t, tuple(t), t.tm_yday, t.tm_wday)
print(time.strftime("%Y-%m-%dT%H:%M:%SZ %a %b %j", t), time.asctime(t), time.strftime("%c|%x|%X", t))
print(time.strptime("2024-02-29 12:00", "%Y-%m-%d %H:%M")[:6], time.mktime(time.gmtime(0)) if time.timezone == 0 else "tz")
print(time.gmtime(0)[:6], time.struct_time((2000, 1, 1, 0, 0, 0, 5, 1, 0)).tm_year, type(time.time()).__name__, type(time.time_ns()).__name__)
a = time.monotonic(); b = time.monotonic(); print(b >= a, time.perf_counter_ns() > 0, time.process_time() >= 0)
print(time.timezone, time.altzone, time.daylight, time.tzname)
