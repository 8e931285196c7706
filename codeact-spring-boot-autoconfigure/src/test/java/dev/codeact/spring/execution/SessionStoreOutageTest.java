package dev.codeact.spring.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.policy.approval.ApprovalMode;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.spring.session.RedisSessionStore;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis the sessions live in is down (nothing listens on its port): a program in a session fails with a readable
 * SANDBOX_FAILURE naming the store, instead of an exception, and a program that would wait for approval says that
 * it could not be kept and that the tool did not run.
 */
@RequiresKvm
class SessionStoreOutageTest {
    static class Orders {
        final AtomicInteger cancels = new AtomicInteger();

        @Tool(description = "Cancel an order.")
        String cancel_order(String orderId) {
            cancels.incrementAndGet();
            return "cancelled " + orderId;
        }
    }

    private final Orders orders = new Orders();
    private final LettuceConnectionFactory down = new LettuceConnectionFactory("127.0.0.1", closedPort());

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() {
        down.destroy();
    }

    private CodeActExecutor executor(boolean suspend) {
        down.afterPropertiesSet();
        ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(List.of(ToolCallbacks.from(orders))), List.of("*"),
                List.of(), List.of(), suspend ? new ApprovalGate(List.of("cancel_order"), null, ApprovalMode.SUSPEND)
                        : ApprovalGate.NONE);
        return new CodeActExecutor(TestSandboxes.kvm(), catalog, ExecutionLimits.defaults(), ExecutionListener.NONE,
                ObservationRegistry.NOOP, SandboxServices.defaults(), Language.JAVASCRIPT,
                new SessionSettings(new RedisSessionStore(down), true, Duration.ofMinutes(5), 1L << 24, suspend,
                        Duration.ofMinutes(5), Clock.systemUTC()));
    }

    private static CodeExecution run(CodeActExecutor executor, String code, String conversation) {
        return executor.run(Language.JAVASCRIPT, code, executor.catalog().select(List.of()), new ToolContext(Map.of()),
                conversation);
    }

    @Test
    void aSessionsProgramFailsReadablyWhenItsStoreIsDown() {
        CodeExecution run = run(executor(false), "globalThis.ran = true; return 1", "c");
        assertThat(run.result().error().type()).isEqualTo(ErrorType.SANDBOX_FAILURE);
        assertThat(run.result().error().message()).startsWith("the session store (redis) failed: ")
                .endsWith("; the program did not run");
        // without a conversation nothing needs the store
        assertThat(run(executor(false), "return 2", null).result().resultJson()).isEqualTo("2");
    }

    @Test
    void aProgramThatCannotBeKeptToWaitSaysTheToolDidNotRun() {
        CodeExecution run = run(executor(true), "return await call_tool('cancel_order', {orderId: 'o-1'})", null);
        assertThat(run.pending()).isNull();
        assertThat(run.result().error().type()).isEqualTo(ErrorType.SANDBOX_FAILURE);
        assertThat(run.result().error().message()).startsWith("the session store (redis) failed: ")
                .contains("could not be kept to wait for it; the tool did not run");
        assertThat(orders.cancels).hasValue(0);
    }
}
