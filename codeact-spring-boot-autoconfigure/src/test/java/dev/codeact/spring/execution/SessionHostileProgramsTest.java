package dev.codeact.spring.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.spring.session.InMemorySessionStore;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.model.ToolContext;

/**
 * The hardening cases, each run inside a conversation's session: whatever a hostile program does to its own state,
 * or fails to do, another conversation and a program without one find the pristine image (the same fingerprint of
 * globals, prototypes and modules as before any of them ran), and its own session is left consistent or rolled back.
 */
@RequiresKvm
class SessionHostileProgramsTest {
    private static final AtomicInteger CONVERSATIONS = new AtomicInteger();
    private static final String JS_FINGERPRINT = """
            const own = o => Object.getOwnPropertyNames(o).sort().join();
            return [own(globalThis), own(Object.prototype), own(Array.prototype), own(Function.prototype),
                    own(Promise.prototype), own(JSON), own(Math), own(String.prototype), own(Date),
                    typeof console.log, String(JSON.stringify({a: [1]})), [3, 1, 2].sort().join(), typeof globalThis.leak];
            """;
    private static final String PY_FINGERPRINT = """
            import sys, builtins, json
            [sorted(globals()), sorted(sys.modules), sorted(dir(builtins)), json.dumps({"a": [1]}), sorted(dir(json)),
             print.__module__, type(len).__name__]
            """;

    private final InMemorySessionStore store = new InMemorySessionStore();
    private final CodeActExecutor executor = new CodeActExecutor(TestSandboxes.kvm(),
            new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of(), ApprovalGate.NONE),
            new ExecutionLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 16L << 20, ExecutionLimits.DEFAULT_STACK_BYTES,
                    64 << 10, ExecutionLimits.DEFAULT_MAX_HOST_CALL_REQUEST_BYTES,
                    ExecutionLimits.DEFAULT_MAX_HOST_CALL_RESULT_BYTES, 50),
            ExecutionListener.NONE, ObservationRegistry.NOOP, SandboxServices.defaults(), Language.JAVASCRIPT,
            new SessionSettings(store, true, Duration.ofMinutes(5), 64L << 20, false, Duration.ofMinutes(1),
                    Clock.systemUTC()));

    private String fingerprint(Language language, String conversation) {
        CodeExecution probe = executor.run(language, language == Language.JAVASCRIPT ? JS_FINGERPRINT : PY_FINGERPRINT,
                executor.catalog().select(List.of()), new ToolContext(Map.of()), conversation);
        assertThat(probe.result().error()).as("the probe's error").isNull();
        return probe.result().resultJson();
    }

    private void runHostileThenProbe(Language language, String hostile) {
        String pristine = fingerprint(language, null);
        String evil = "evil-" + CONVERSATIONS.incrementAndGet();
        for (int i = 0; i < 2; i++) { // twice: the second starts from whatever the first left
            executor.run(language, hostile, executor.catalog().select(List.of()), new ToolContext(Map.of()), evil);
        }
        assertThat(fingerprint(language, "clean-" + CONVERSATIONS.incrementAndGet())).as("another conversation")
                .isEqualTo(pristine);
        assertThat(fingerprint(language, null)).as("a program without a conversation").isEqualTo(pristine);
        // its own session still runs programs: wrecked, maybe, but alive and its own
        assertThat(executor.run(language, language == Language.JAVASCRIPT ? "return 1" : "1",
                executor.catalog().select(List.of()), new ToolContext(Map.of()), evil).result().error()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Object.prototype.leak = 1; Array.prototype.sort = function () { return this.reverse(); }; globalThis.leak = 'x'; return 1",
        "JSON.stringify = () => '\"forged\"'; console.log = () => {}; Object.freeze(Object.prototype); return 1",
        "Function.prototype.call = null; Promise.prototype.then = function () { throw new Error('hijacked'); }; return 1",
        "globalThis.keep = []; while (true) keep.push(new Array(100000).fill(keep.length));",
        "const f = () => f(); f();",
        "globalThis.leak = 'spin'; while (true) {}",
        "globalThis.x = 'y'.repeat(1 << 20); for (;;) console.log(x);",
        "try { const a = []; for (;;) a.push(new ArrayBuffer(1 << 20)); } catch (e) { for (;;) {} }",
        "Object.defineProperty(globalThis, 'call_tool', {value: () => 'mine', writable: false, configurable: false}); return 1",
        "setTimeout(() => { Object.prototype.late = 1; }, 0); globalThis.pending = new Promise(() => {}); return 1",
        "throw Object.assign(new Error('boom'), {toString() { Object.prototype.leak = 2; return 'x'; }})"
    })
    void javascript(String hostile) {
        runHostileThenProbe(Language.JAVASCRIPT, hostile);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "import builtins, json\nbuiltins.len = lambda x: 0\njson.dumps = lambda *a, **k: '\"forged\"'\nbuiltins.print = None\n1",
        "import sys\nsys.modules['json'] = None\nsys.setrecursionlimit(10**6)\n1",
        "keep = []\nwhile True:\n    keep.append(bytearray(1 << 20))",
        "def f():\n    return f()\nf()",
        "leak = 'spin'\nwhile True:\n    pass",
        "import sys\nx = 'y' * (1 << 20)\nwhile True:\n    print(x)",
        "import gc\nclass T:\n    def __del__(self):\n        globals()['resurrected'] = self\nt = T()\ndel t\ngc.collect()\n1",
        "try:\n    a = [bytearray(1 << 20) for _ in range(10**6)]\nexcept MemoryError:\n    while True:\n        pass"
    })
    void python(String hostile) {
        runHostileThenProbe(Language.PYTHON, hostile);
    }
}
