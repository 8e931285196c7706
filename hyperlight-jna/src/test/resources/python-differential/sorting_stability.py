people = [("alice", 30, "NY"), ("bob", 25, "LA"), ("carol", 30, "SF"), ("dave", 25, "NY"), ("eve", 35, "LA")]
print(sorted(people, key=lambda p: p[1]), sorted(people, key=lambda p: (-p[1], p[0])))
print(sorted(people, key=lambda p: p[2], reverse=True))
words = "banana Apple cherry apple Banana date".split()
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len), max(words, key=len), min(words))
print(sorted([3.5, -1, 2, float("inf"), 0.0, -0.0]), sorted("zyxZYX"), sorted([(1, "b"), (1, "a"), (0, "z")]))
print(list(reversed(range(5))), sorted({"b": 2, "a": 1}.items(), key=lambda kv: kv[1]), sorted(set([5, 3, 9, 1])))
nums = list(range(20)); nums.sort(key=lambda n: n % 3); print(nums)
