package dev.codeact.spring.policy.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import java.time.Duration;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import dev.codeact.spring.tools.ToolSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;

class ApprovalGateTest {

    static class BankTools {
        final AtomicInteger transfers = new AtomicInteger();

        @Tool(description = "Move money.")
        String transfer(String to, double amount) {
            transfers.incrementAndGet();
            return "sent " + amount + " to " + to;
        }

        @Tool(description = "Read the balance.")
        double balance() {
            return 100;
        }
    }

    private final BankTools bank = new BankTools();
    private final List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();

    private ToolSet tools(ApprovalHandler handler) {
        return new ToolCatalog(() -> ToolInventory.of(List.of(ToolCallbacks.from(bank))), List.of("*"), List.of(), List.of(),
                new ApprovalGate(List.of("trans*"), handler)).select(List.of());
    }

    @Test
    void approvedCallsRunAndTheHandlerSeesNameArgumentsAndContext() throws Exception {
        HostFunctions functions = tools(request -> {
            asked.add(request);
            return ApprovalDecision.approve();
        }).hostFunctions(new ToolContext(Map.of("user", "ada")));
        assertThat(functions.get("transfer").call("{\"to\":\"bob\",\"amount\":5}")).isEqualTo("\"sent 5.0 to bob\"");
        assertThat(asked).containsExactly(new ApprovalRequest("transfer", "{\"to\":\"bob\",\"amount\":5}", Map.of("user", "ada")));
        assertThat(bank.transfers).hasValue(1);
    }

    @Test
    void onlyMatchingToolsAreGated() throws Exception {
        HostFunctions functions = tools(request -> {
            asked.add(request);
            return ApprovalDecision.deny("never");
        }).hostFunctions(new ToolContext(Map.of()));
        assertThat(functions.get("balance").call("{}")).isEqualTo("100.0");
        assertThat(asked).isEmpty();
    }

    @Test
    void aDenialIsAnErrorAndTheToolDoesNotRun() {
        HostFunctions functions = tools(request -> ApprovalDecision.deny("amount above the daily limit"))
                .hostFunctions(new ToolContext(Map.of()));
        assertThatThrownBy(() -> functions.get("transfer").call("{\"to\":\"bob\",\"amount\":5000}"))
                .isInstanceOf(HostFunctionException.class)
                .hasMessage("tool 'transfer' needs approval and was denied: amount above the daily limit; the tool did not run");
        assertThat(bank.transfers).hasValue(0);
    }

    @Test
    void aThrowingHandlerDeniesWithItsMessage() {
        HostFunctions functions = tools(request -> {
            throw new IllegalStateException("approval service unreachable");
        }).hostFunctions(new ToolContext(Map.of()));
        assertThatThrownBy(() -> functions.get("transfer").call("{\"to\":\"bob\",\"amount\":5}"))
                .hasMessage("tool 'transfer' needs approval and the approval check failed: approval service unreachable; "
                        + "the tool did not run");
        assertThat(bank.transfers).hasValue(0);
    }

    @Test
    void approvalIsAskedForEveryCallNotOncePerProgramOnGraalJs() {
        try (CodeSandbox sandbox = GraalJsCodeSandbox.create()) {
            approvalIsAskedForEveryCall(sandbox);
        }
    }

    @Test
    @RequiresKvm
    void approvalIsAskedForEveryCallNotOncePerProgramOnKvm() {
        try (CodeSandbox sandbox = new KvmCodeSandbox(SandboxPool.create(1, GuestMemorySizes.defaults(), Duration.ofSeconds(10)))) {
            approvalIsAskedForEveryCall(sandbox);
        }
    }

    private void approvalIsAskedForEveryCall(CodeSandbox sandbox) {
        AtomicInteger calls = new AtomicInteger();
        ToolSet set = tools(request -> calls.incrementAndGet() % 2 == 1 ? ApprovalDecision.approve() : ApprovalDecision.deny("second one"));
        {
            ExecutionResult r = sandbox.execute("""
                    const out = [call_tool('transfer', {to: 'bob', amount: 1})];
                    try { call_tool('transfer', {to: 'bob', amount: 2}); } catch (e) { out.push(e.name + ': ' + e.message); }
                    out.push(call_tool('transfer', {to: 'eve', amount: 3}));
                    return out;""", set.hostFunctions(new ToolContext(Map.of())), ExecutionLimits.defaults());
            assertThat(r.resultJson()).isEqualTo("[\"sent 1.0 to bob\",\"ToolError: tool 'transfer' needs approval and was denied: "
                    + "second one; the tool did not run\",\"sent 3.0 to eve\"]");
        }
        assertThat(calls).hasValue(3);
        assertThat(bank.transfers).hasValue(2);
    }

    @Test
    void patternsWithoutAHandlerFailAtStartUp() {
        assertThatThrownBy(() -> new ApprovalGate(List.of("transfer"), null))
                .hasMessageStartingWith("codeact.tools.approval-required is set (transfer) but there is no ApprovalHandler bean to ask")
                .hasMessageContaining("codeact.tools.approval-mode=suspend");
    }
}
