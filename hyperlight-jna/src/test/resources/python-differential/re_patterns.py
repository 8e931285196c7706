import re
text = "Order #123 shipped on 2024-01-15 to alice@example.com; order #7 on 2023-12-31 to bob.smith@test.org"
print(re.findall(r"#(\d+)", text))
for m in re.finditer(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})", text):
    print(m.span(), m.groupdict(), m.group(0))
print(re.sub(r"(\w+)@(\w+)", r"\2 at \1", text))
print(re.sub(r"\d+", lambda m: str(int(m.group()) * 2), text))
print(re.split(r"[;,]\s*", "a, b;c ,d"))
print(re.split(r"(\s)", "one two  three"))
p = re.compile(r"^\s*(\w+)\s*=\s*(.*?)\s*$", re.MULTILINE)
print(p.findall("a = 1\n  b=two  \nc =   x y z"))
print(bool(re.fullmatch(r"[\w.]+@[\w.]+\.\w+", "bob.smith@test.org")))
print(re.search(r"(?i)ORDER", text).start())
print(re.escape("a.b*c?"))
print(re.sub(r"(?<=\$)\d+", "N", "cost $42 and $7"))
print(re.findall(r"\b\w", "żółw ćma ęś"))
print(re.match(r"(a)(b)?", "ac").groups())
print(re.subn(r"o", "0", "foo boo"))
print(re.compile(r"(?x) \d+ # digits").findall("1 22 333"))
print(repr(re.compile(r"a|b", re.I)))
try:
    re.compile("(unclosed")
except re.error as e:
    print("re.error:", e)
