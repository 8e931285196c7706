import heapq, bisect
h = [5, 1, 8, 3, 9, 2]; heapq.heapify(h); print(h)
heapq.heappush(h, 0); print(heapq.heappop(h), heapq.heappushpop(h, 4), heapq.heapreplace(h, 10), sorted(h))
print(heapq.nlargest(3, [5, 1, 8, 3, 9]), heapq.nsmallest(2, ["bb", "a", "ccc"], key=len), list(heapq.merge([1, 4, 7], [2, 5], [3])))
tasks = []; [heapq.heappush(tasks, (p, n)) for p, n in [(3, "low"), (1, "urgent"), (2, "mid")]]
print([heapq.heappop(tasks)[1] for _ in range(3)])
a = [1, 2, 4, 4, 8]
print(bisect.bisect_left(a, 4), bisect.bisect_right(a, 4), bisect.bisect(a, 5), bisect.bisect_left(a, 3, key=None))
bisect.insort(a, 5); bisect.insort_left(a, 4); print(a)
grades = "FDCBA"; print([grades[bisect.bisect([60, 70, 80, 90], s)] for s in [33, 99, 77, 70, 89, 90, 100]])
recs = [("a", 1), ("b", 5), ("c", 9)]; print(bisect.bisect_left(recs, 5, key=lambda r: r[1]))
