package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** call_tool round trips between the guest and host functions. */
@RequiresKvm
class ToolCallTest {
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final HostFunctions functions = HostFunctions.builder()
            .register("echo", HostFunctions.echo())
            .register("record", args -> {
                received.add(args);
                return "{\"stored\":true}";
            })
            .register("add", args -> {
                var node = tools.jackson.databind.json.JsonMapper.builder().build().readTree(args);
                return String.valueOf(node.get("a").asDouble() + node.get("b").asDouble());
            })
            .register("fail", args -> {
                throw new HostFunctionException("inventory service is down");
            })
            .register("npe", args -> {
                throw new NullPointerException();
            })
            .register("huge", args -> "\"" + "x".repeat(2 << 20) + "\"")
            .register("nothing", args -> null)
            .register("not_json", args -> "this is not JSON")
            .build();

    private ExecutionResult run(String code) {
        return SharedPool.run(code, functions);
    }

    @Test
    void nestedObjectsAndArraysRoundTrip() {
        ExecutionResult r = run("""
                const input = { order: { id: 7, lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: [1, [2, [3]]] }] }, tags: [], empty: {} };
                const output = call_tool('echo', input);
                return [JSON.stringify(output) === JSON.stringify(input), output];""");
        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).startsWith("[true,");
        assertThat(r.toolCalls()).isEqualTo(1);
    }

    @Test
    void unicodeRoundTrips() {
        ExecutionResult r = run("""
                const s = 'żółw 🐢 中文 \\u0000 \\u2028 "quoted" \\\\ back';
                return call_tool('echo', { s }).s === s;""");
        assertThat(r.resultJson()).isEqualTo("true");
    }

    @Test
    void numbersAtTheEdgesOfDoublePrecision() {
        ExecutionResult r = run("""
                const values = [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE,
                                Number.EPSILON, -0, 0.1 + 0.2, 1e21, 2 ** 53 + 2, -1.7976931348623157e308];
                const back = call_tool('echo', { values }).values;
                return values.map((v, i) => Object.is(v, back[i]) || (v === 0 && back[i] === 0));""");
        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).isEqualTo("[true,true,true,true,true,true,true,true,true,true]");
    }

    @Test
    void hostFunctionsReceiveTheArguments() {
        ExecutionResult r = run("return [call_tool('record', { id: 1, name: 'x' }), call_tool('add', { a: 2, b: 0.5 })];");
        assertThat(r.resultJson()).isEqualTo("[{\"stored\":true},2.5]");
        assertThat(received).containsExactly("{\"id\":1,\"name\":\"x\"}");
        assertThat(r.toolCalls()).isEqualTo(2);
    }

    @Test
    void missingArgumentsBecomeAnEmptyObject() {
        assertThat(run("return call_tool('echo');").resultJson()).isEqualTo("{}");
    }

    @Test
    void awaitCallToolWorks() {
        ExecutionResult r = run("const a = await call_tool('echo', { v: 1 }); const b = await Promise.all([call_tool('echo', { v: 2 })]); return [a.v, b[0].v];");
        assertThat(r.resultJson()).isEqualTo("[1,2]");
    }

    @Test
    void toolErrorsAreCatchableExceptionsWithTheHostMessage() {
        ExecutionResult r = run("""
                try { call_tool('fail', {}); return 'no error'; }
                catch (e) { return [e instanceof Error, e.name, e.message, e.tool]; }""");
        assertThat(r.resultJson()).isEqualTo("[true,\"ToolError\",\"inventory service is down\",\"fail\"]");
    }

    @Test
    void anUncaughtToolErrorFailsTheExecutionAsToolError() {
        ExecutionResult r = run("call_tool('fail', {});");
        assertThat(r.error().type()).isEqualTo(ErrorType.TOOL_ERROR);
        assertThat(r.error().message()).contains("inventory service is down");
    }

    @Test
    void exceptionsWithoutMessageStillExplainThemselves() {
        ExecutionResult r = run("try { call_tool('npe'); } catch (e) { return e.message; }");
        assertThat(r.resultJson()).isEqualTo("\"NullPointerException in tool 'npe'\"");
    }

    @Test
    void unknownToolsListTheAvailableOnes() {
        ExecutionResult r = run("try { call_tool('no_such_tool', {}); } catch (e) { return e.message; }");
        assertThat(r.resultJson()).isEqualTo("\"unknown tool 'no_such_tool'; available tools: add, echo, fail, huge, not_json, nothing, npe, record\"");
    }

    @Test
    void badToolNamesAndUnserialisableArgumentsAreTypeErrors() {
        ExecutionResult r = run("""
                const out = [];
                try { call_tool(42); } catch (e) { out.push(e.name); }
                const cyclic = {}; cyclic.self = cyclic;
                try { call_tool('echo', cyclic); } catch (e) { out.push(e.name); }
                return out;""");
        assertThat(r.resultJson()).isEqualTo("[\"TypeError\",\"TypeError\"]");
    }

    @Test
    void oversizedResultsAreRefusedWithACatchableError() {
        ExecutionResult r = run("try { call_tool('huge'); } catch (e) { return e.message; }");
        assertThat(r.resultJson()).contains("the tool's result is").contains("the limit is 1048576 bytes");
    }

    @Test
    void aResultThatIsNotJsonIsAToolError() {
        ExecutionResult r = run("try { call_tool('not_json'); } catch (e) { return [e.name, e.message]; }");
        assertThat(r.resultJson()).startsWith("[\"ToolError\",\"tool \\\"not_json\\\" returned a result that is not JSON");
    }

    @Test
    void aNullResultIsJsonNull() {
        assertThat(run("return call_tool('nothing');").resultJson()).isEqualTo("null");
    }

    @Test
    void consoleOutputStaysInOrderAroundToolCalls() {
        ExecutionResult r = run("console.log('a'); call_tool('record', {}); console.log('b');");
        assertThat(r.stdout()).isEqualTo("a\nb\n");
    }
}
