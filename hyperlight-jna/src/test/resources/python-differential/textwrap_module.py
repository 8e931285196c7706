import textwrap
text = "The quick brown fox jumps over the lazy dog. " * 4
print(textwrap.fill(text, width=30))
print(textwrap.wrap(text, 25, max_lines=3, placeholder=" [...]"))
print(textwrap.shorten("Hello  world, this is a long sentence", width=20))
print(repr(textwrap.dedent("""
    indented
      more
    back
""")))
print(textwrap.indent("a\nb\n\nc", "> "), textwrap.indent("a\n\nb", "+ ", lambda line: True))
w = textwrap.TextWrapper(width=20, initial_indent="* ", subsequent_indent="  ", break_long_words=True)
print(w.fill("supercalifragilisticexpialidocious is a long word indeed"))
print(textwrap.fill("a-b-c-d-e-f-g-h", width=5), textwrap.wrap("tabs\there", tabsize=4, width=40))
