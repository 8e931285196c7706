// console.log of errors: name, message, cause, extra properties, custom classes (stack frames differ by engine and are
// not compared).
console.log(new Error('boom'));
console.log(new TypeError('wrong type'));
const wrapped = new Error('could not load order', { cause: new RangeError('id out of range') });
console.log(wrapped);
const withCode = new Error('not found');
withCode.code = 'E_NOT_FOUND';
withCode.status = 404;
console.log(withCode);
class ValidationError extends Error {
  constructor(message, field) {
    super(message);
    this.name = 'ValidationError';
    this.field = field;
  }
}
console.log(new ValidationError('email is invalid', 'email'));
console.log({ error: new Error('nested') });
try {
  JSON.parse('{bad json');
} catch (e) {
  console.log(e.name, e instanceof SyntaxError);
}
try {
  null.x;
} catch (e) {
  console.log(e.constructor.name, typeof e.message);
}
console.log(String(new Error('as string')), `${new TypeError('in template')}`);
console.log(new Error('with string cause', { cause: 'the reason' }));
console.error(new Error('to stderr'));
const aggregate = new AggregateError([new Error('one'), new Error('two')], 'several');
console.log(aggregate.name, aggregate.errors.length, aggregate.message);
return { message: wrapped.message, cause: wrapped.cause.message };
