import csv, io
rows = [["id", "name", "note"], [1, "Alice", 'says "hi"'], [2, "Bob, Jr.", "multi\nline"], [3, "", None]]
out = io.StringIO(); csv.writer(out).writerows(rows); print(repr(out.getvalue()))
back = list(csv.reader(io.StringIO(out.getvalue()))); print(back)
out = io.StringIO(); w = csv.DictWriter(out, fieldnames=["a", "b"], extrasaction="ignore"); w.writeheader(); w.writerow({"a": 1, "b": 2, "c": 3}); print(repr(out.getvalue()))
for r in csv.DictReader(io.StringIO("x;y\n1;2\n3;4\n"), delimiter=";"):
    print(r)
out = io.StringIO(); csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerow(["a", 1.5, 2]); print(repr(out.getvalue()))
print(list(csv.reader(["a|'b|c'|d"], delimiter="|", quotechar="'")), csv.Sniffer().sniff("a;b;c\n1;2;3\n").delimiter, csv.list_dialects())
try:
    list(csv.reader(['a,"b'], strict=True))
except csv.Error as e:
    print("csv.Error:", e)
