# how scripts write their output: print's options, sys.stdout's text and bytes interfaces, logging, a main guard
import sys, logging, io
print("a", "b", sep="|", end="!\n")
print(*range(5), sep=", ")
print("flushed", flush=True)
print()
sys.stdout.write("written\n")
sys.stdout.writelines(["line 1\n", "line 2\n"])
sys.stdout.flush()  # text and bytes share the stream: flush between them, as CPython needs
sys.stdout.buffer.write("bytes: żółw\n".encode("utf-8"))
sys.stdout.flush()
print(sys.stdout.writable(), sys.stdout.readable(), sys.stdout.closed)
print(repr("quoted\ttab"), ascii("é"), f"{'nested ' + str(1)!r:>12}")
sys.stderr.write("to stderr, not compared\n")
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s:%(name)s:%(message)s")
logging.getLogger("app").info("logged %d items", 3)
logging.warning("careful")
buffer = io.StringIO()
print("into a buffer", file=buffer)
print(buffer.getvalue(), end="")
def main():
    print("main ran")
    return 0
if __name__ == "__main__":
    code = main()
    sys.exit(code)
