import unicodedata as ud
for ch in "aÅ€中😀\u0301٣ß":
    print(repr(ch), ud.name(ch, "?"), ud.category(ch), ud.bidirectional(ch), ud.combining(ch), ud.east_asian_width(ch), ud.mirrored(ch), ud.decomposition(ch))
print(ud.lookup("SNOWMAN"), ud.numeric("½"), ud.digit("٣"), ud.decimal("9"), ud.unidata_version)
s = "Crème Brûlée ﬁ ①"
for form in ("NFC", "NFD", "NFKC", "NFKD"):
    print(form, ascii(ud.normalize(form, s)), ud.is_normalized(form, s))
print("".join(c for c in ud.normalize("NFD", "Żółć naïve") if not ud.combining(c)))
