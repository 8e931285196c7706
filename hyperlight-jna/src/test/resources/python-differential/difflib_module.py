import difflib
a = ["one\n", "two\n", "three\n", "four\n"]
b = ["one\n", "2\n", "three\n", "four\n", "five\n"]
print("".join(difflib.unified_diff(a, b, fromfile="a.txt", tofile="b.txt")))
print("".join(difflib.context_diff(a, b, n=1)))
print("".join(difflib.ndiff(["abcde\n"], ["abdxe\n"])))
s = difflib.SequenceMatcher(None, "private Thread currentThread;", "private volatile Thread currentThread;")
print(round(s.ratio(), 6), s.get_matching_blocks(), s.get_opcodes())
print(difflib.get_close_matches("appel", ["ape", "apple", "peach", "puppy"]), difflib.get_close_matches("wheel", ["while", "wheat", "shell"], n=2, cutoff=0.5))
print(difflib.SequenceMatcher(lambda c: c == " ", "a b c", "a  b c").quick_ratio())
