// A program that never ends: the sandbox stops it at its deadline (try --timeout-ms 200) and exits with 2.
let spins = 0;
while (true) { spins++; }
