package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the execution contract suites of every language share ({@link ExecutionContractTest} for JavaScript,
 * {@link PythonExecutionContractTest} for Python): the backend under test, and the host functions their programs
 * call, with what those saw. The cases themselves are in the language's suite.
 */
public abstract class ContractFixture {
    protected static final ExecutionLimits DEFAULTS = ExecutionLimits.defaults();
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    /** The arguments the {@code record} function received, in order. */
    protected final List<String> received = new CopyOnWriteArrayList<>();
    /** Counted down when a blocking host function has started: the program is then waiting inside the host. */
    protected final CountDownLatch blocked = new CountDownLatch(1);
    protected final HostFunctions functions = HostFunctions.builder()
            .wording(GuestStrings.HOST_CALL_WORDING) // the guests are CodeAct's runtimes, whose programs call tools
            .register("echo", HostFunctions.echo())
            .register("record", args -> {
                received.add(args);
                return "{\"stored\":true}";
            })
            .register("add", args -> {
                var node = JSON.readTree(args);
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
            .register("spin", args -> {
                long until = System.nanoTime() + 150_000_000L;
                long spins = 0;
                while (System.nanoTime() < until) {
                    spins++;
                }
                return String.valueOf(spins > 0);
            })
            .register("sleep", args -> {
                Thread.sleep(10_000);
                return "\"woke up\"";
            })
            .register("block", args -> {
                blocked.countDown();
                new CountDownLatch(1).await(); // until the deadline interrupts it
                return "\"never\"";
            })
            .register("block_then_return", args -> {
                blocked.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    return "\"interrupted, returning normally\""; // the program then ends before the stop lands
                }
                return "\"never\"";
            })
            .register("deep", args -> "[".repeat(JsonNesting.MAX_DEPTH + 1) + "]".repeat(JsonNesting.MAX_DEPTH + 1))
            .register("deep_enough", args -> "[".repeat(JsonNesting.MAX_DEPTH) + "]".repeat(JsonNesting.MAX_DEPTH))
            .build();

    /** What {@code unknown tool} lists: the names above, sorted. */
    protected static final String AVAILABLE_TOOLS = "add, block, block_then_return, deep, deep_enough, echo, fail, huge, not_json, "
            + "nothing, npe, record, sleep, spin";

    /** The tool-call cap of {@link #DEFAULTS} lowered to three. */
    protected static final ExecutionLimits THREE_TOOL_CALLS = new ExecutionLimits(DEFAULTS.timeout(), DEFAULTS.cpuTime(),
            DEFAULTS.memoryBytes(), DEFAULTS.stackBytes(), DEFAULTS.outputBytesPerStream(), DEFAULTS.maxHostCallRequestBytes(),
            DEFAULTS.maxHostCallResultBytes(), 3);

    /** Runs one program on the backend under test. */
    protected abstract ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits);

    /** The backend's name: kvm, graaljs or graalpy. */
    protected abstract String backend();

    protected ExecutionResult run(String code) {
        return run(code, DEFAULTS);
    }

    protected ExecutionResult run(String code, ExecutionLimits limits) {
        return execute(code, functions, limits);
    }

    protected String resultOf(String code) {
        ExecutionResult r = run(code);
        assertThat(r.error()).as("error of %s", code).isNull();
        return r.resultJson();
    }
}
