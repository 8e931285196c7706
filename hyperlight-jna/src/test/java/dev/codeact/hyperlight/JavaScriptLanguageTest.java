package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Modern JavaScript runs in the guest as the body of an async function. */
@RequiresKvm
class JavaScriptLanguageTest {

    private static String resultOf(String code) {
        ExecutionResult r = SharedPool.run(code);
        assertThat(r.error()).as("error of %s", code).isNull();
        return r.resultJson();
    }

    @Test
    void classesWithInheritanceAndPrivateFields() {
        assertThat(resultOf("""
                class Shape { #name; constructor(n) { this.#name = n; } get name() { return this.#name; } area() { return 0; } }
                class Square extends Shape { constructor(s) { super('square'); this.s = s; } area() { return this.s ** 2; } static of(s) { return new Square(s); } }
                const q = Square.of(3);
                return [q.name, q.area(), q instanceof Shape];""")).isEqualTo("[\"square\",9,true]");
    }

    @Test
    void asyncAwaitAndTopLevelAwait() {
        assertThat(resultOf("""
                const delay = (v) => new Promise((resolve) => resolve(v));
                async function twice(x) { return (await delay(x)) * 2; }
                const values = await Promise.all([twice(1), twice(2), twice(3)]);
                return values;""")).isEqualTo("[2,4,6]");
    }

    @Test
    void pendingPromiseJobsRunBeforeTheExecutionEnds() {
        ExecutionResult r = SharedPool.run("""
                Promise.resolve().then(() => console.log('job ran'));
                return 'returned';""");
        assertThat(r.resultJson()).isEqualTo("\"returned\"");
        assertThat(r.stdout()).isEqualTo("job ran\n");
    }

    @Test
    void generatorsAndIterators() {
        assertThat(resultOf("""
                function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
                const out = []; for (const v of fib()) { if (v > 50) break; out.push(v); }
                async function* count() { yield 1; yield 2; }
                let sum = 0; for await (const v of count()) sum += v;
                return { out, sum };""")).isEqualTo("{\"out\":[0,1,1,2,3,5,8,13,21,34],\"sum\":3}");
    }

    @Test
    void destructuringSpreadAndOptionalChaining() {
        assertThat(resultOf("""
                const { a, b: { c = 5 } = {}, ...rest } = { a: 1, b: {}, d: 4, e: 5 };
                const arr = [...[1, 2], ...new Set([3, 3, 4])];
                const o = { x: { y: null } };
                return [a, c, rest, arr, o?.x?.y?.z, o.missing?.(), o.x.y ?? 'default'];""")).isEqualTo("[1,5,{\"d\":4,\"e\":5},[1,2,3,4],null,null,\"default\"]");
    }

    @Test
    void bigIntArithmetic() {
        assertThat(resultOf("""
                const big = 2n ** 100n;
                return [big.toString(), (big % 97n).toString(), typeof big, BigInt.asUintN(8, 257n).toString()];"""))
                .isEqualTo("[\"1267650600228229401496703205376\",\"" + new java.math.BigInteger("2").pow(100).mod(java.math.BigInteger.valueOf(97)) + "\",\"bigint\",\"1\"]");
    }

    @Test
    void mapsSetsAndWeakMaps() {
        assertThat(resultOf("""
                const m = new Map([['a', 1], ['b', 2]]); m.set('c', 3); m.delete('a');
                const s = new Set('hello');
                const w = new WeakMap(); const k = {}; w.set(k, 'v');
                return [[...m.entries()], [...s].join(''), w.get(k), m.size];""")).isEqualTo("[[[\"b\",2],[\"c\",3]],\"helo\",\"v\",2]");
    }

    @Test
    void typedArraysAndDataView() {
        assertThat(resultOf("""
                const buf = new ArrayBuffer(8); const view = new DataView(buf);
                view.setFloat64(0, Math.PI);
                const bytes = new Uint8Array(buf);
                const f = new Float32Array([1.5, 2.5]).map((x) => x * 2);
                return [bytes.length, view.getFloat64(0) === Math.PI, Array.from(f), new Int16Array([70000])[0]];"""))
                .isEqualTo("[8,true,[3,5],4464]");
    }

    @Test
    void jsonRoundTrip() {
        assertThat(resultOf("""
                const text = JSON.stringify({ n: 1, s: 'x"y', a: [true, null], nested: { d: 1.5e-7 } });
                const back = JSON.parse(text, (k, v) => (typeof v === 'number' ? v * 2 : v));
                return back;""")).isEqualTo("{\"n\":2,\"s\":\"x\\\"y\",\"a\":[true,null],\"nested\":{\"d\":3.0E-7}}");
    }

    @Test
    void regExpNamedGroupsAndLookbehind() {
        assertThat(resultOf("""
                const m = '2026-11-23'.match(/(?<year>\\d{4})-(?<month>\\d{2})-(?<day>\\d{2})/);
                const prices = 'cost: $42, tax: $7'.match(/(?<=\\$)\\d+/g);
                const replaced = 'a-b-c'.replaceAll(/-(?!c)/g, '+');
                return [m.groups.year, m.groups.day, prices, replaced, /\\p{L}+/u.test('żółw')];"""))
                .isEqualTo("[\"2026\",\"23\",[\"42\",\"7\"],\"a+b-c\",true]");
    }

    @Test
    void datesAndClock() {
        long before = System.currentTimeMillis();
        ExecutionResult r = SharedPool.run("""
                const d = new Date(Date.UTC(2020, 1, 29, 12, 30));
                const t0 = performance.now(); let x = 0; for (let i = 0; i < 1e5; i++) x += i; const t1 = performance.now();
                return [d.toISOString(), d.getUTCDay(), new Date('2021-03-04T05:06:07Z').getTime(), Date.now(), t1 >= t0];""");
        long after = System.currentTimeMillis();
        assertThat(r.error()).isNull();
        String[] parts = r.resultJson().replace("[", "").replace("]", "").split(",");
        assertThat(parts[0]).isEqualTo("\"2020-02-29T12:30:00.000Z\"");
        assertThat(parts[1]).isEqualTo("6");
        assertThat(parts[2]).isEqualTo("1614834367000");
        assertThat(Long.parseLong(parts[3])).isBetween(before - 1000, after + 1000);
        assertThat(parts[4]).isEqualTo("true");
    }

    @Test
    void stringFunctionsWithoutIntl() {
        assertThat(resultOf("""
                const s = '  Hello, Wörld 👋  ';
                return [s.trim().toUpperCase(), s.trim().padStart(16, '*'), 'abc'.at(-1), 'a,b,,c'.split(','),
                        '👋'.codePointAt(0), String.raw`x\\ny`, 'ß'.toUpperCase(), 'x'.repeat(3), s.trim().normalize('NFD').length];"""))
                .isEqualTo("[\"HELLO, WÖRLD 👋\",\"*Hello, Wörld 👋\",\"c\",[\"a\",\"b\",\"\",\"c\"],128075,\"x\\\\ny\",\"SS\",\"xxx\",16]");
    }

    @Test
    void nothingOfTheHostIsReachable() {
        assertThat(resultOf("""
                return [typeof require, typeof process, typeof std, typeof os, typeof fetch, typeof XMLHttpRequest,
                        typeof setTimeout, typeof Deno, typeof Java, typeof Polyglot];"""))
                .isEqualTo("[\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\"]");
    }

    @Test
    void theApiGlobalsCannotBeReplaced() {
        assertThat(resultOf("""
                'use strict';
                const errors = [];
                try { globalThis.call_tool = () => 'hijacked'; } catch (e) { errors.push(e.name); }
                try { console.log = null; } catch (e) { errors.push(e.name); }
                return [errors, typeof call_tool('echo', {}) ];""")).isEqualTo("[[\"TypeError\",\"TypeError\"],\"object\"]");
    }
}
