// Modern JavaScript in a fresh micro-VM: top-level await, classes, BigInt, console on both streams.
class Greeter {
  #greeting;
  constructor(greeting) { this.#greeting = greeting; }
  greet(name) { return `${this.#greeting}, ${name}!`; }
}
const names = await Promise.all(['Ada', 'Linus'].map(async (n) => n.toUpperCase()));
names.forEach((n) => console.log(new Greeter('Hello').greet(n)));
console.error('this line goes to stderr');
return { factorial20: (function f(n) { return n <= 1n ? 1n : n * f(n - 1n); })(20n).toString() };
