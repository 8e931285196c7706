package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.advisor.AnswerFormat;
import dev.codeact.spring.advisor.CodeActAdvisor;
import dev.codeact.spring.advisor.CodeActInstructions;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.sandbox.Language;
import java.util.Map;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.model.ToolContext;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class CodeActAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
            .withPropertyValues("codeact.sandbox.pool-size=1");

    static class FakeSandbox implements CodeSandbox {
        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public ExecutionResult execute(dev.codeact.spring.sandbox.Language language, String code, HostFunctions functions, ExecutionLimits limits) {
            return new ExecutionResult("", false, "", false, "null", null, Duration.ZERO, 0);
        }

        @Override
        public void close() {
        }
    }

    static class InventoryTools {
        @Tool(description = "Stock level of a product.")
        int stock(String sku) {
            return 3;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ToolsConfiguration {
        @Bean
        InventoryTools inventoryTools() {
            return new InventoryTools();
        }
    }

    @Test
    void backsOffWithoutSpringAi() {
        runner.withClassLoader(new FilteredClassLoader(ChatClient.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(CodeActAdvisor.class);
            assertThat(context).doesNotHaveBean(CodeSandbox.class);
        });
    }

    @Test
    void canBeDisabled() {
        runner.withPropertyValues("codeact.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(CodeActAdvisor.class);
            assertThat(context).doesNotHaveBean(CodeSandbox.class);
            assertThat(context).doesNotHaveBean(ChatClientBuilderCustomizer.class);
        });
    }

    @Test
    void aUserSandboxTakesPrecedence() {
        runner.withBean(CodeSandbox.class, FakeSandbox::new).run(context -> {
            assertThat(context).getBean(CodeSandbox.class).isInstanceOf(FakeSandbox.class);
            assertThat(context).hasSingleBean(CodeActAdvisor.class);
            assertThat(context).doesNotHaveBean(dev.codeact.spring.sandbox.SandboxBackendSelector.Selection.class);
        });
    }

    @Test
    void aUserAdvisorTakesPrecedence() {
        ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of());
        CodeActAdvisor mine = new CodeActAdvisor(new CodeActExecutor(new FakeSandbox(), catalog, ExecutionLimits.defaults(),
                ExecutionListener.NONE), catalog, new AnswerFormat(1024), new CodeActInstructions(""), 7);
        runner.withBean(CodeSandbox.class, FakeSandbox::new).withBean(CodeActAdvisor.class, () -> mine)
                .run(context -> assertThat(context).getBean(CodeActAdvisor.class).isSameAs(mine));
    }

    @Test
    void executionListenerBeansHearEveryExecution() {
        List<ExecutionListener.Execution> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.withBean(CodeSandbox.class, FakeSandbox::new).withBean(ExecutionListener.class, () -> heard::add).run(context -> {
            context.getBean(CodeActExecutor.class).execute("return null");
            assertThat(heard).extracting(ExecutionListener.Execution::code).containsExactly("return null");
        });
    }

    @Test
    void theChatClientBuilderCustomizerAddsTheAdvisor() {
        runner.withBean(CodeSandbox.class, FakeSandbox::new).run(context -> {
            ChatClient.Builder builder = mock(ChatClient.Builder.class);
            context.getBean(ChatClientBuilderCustomizer.class).customize(builder);
            verify(builder).defaultAdvisors(context.getBean(CodeActAdvisor.class));
        });
    }

    @Test
    void toolBeansAreDiscoveredAndPatternsApply() {
        runner.withBean(CodeSandbox.class, FakeSandbox::new).withUserConfiguration(ToolsConfiguration.class).run(context -> {
            ToolCatalog catalog = context.getBean(ToolCatalog.class);
            assertThat(catalog.applicationTools()).extracting(t -> t.getToolDefinition().name()).containsExactly("stock");
            assertThat(catalog.select(List.of()).declarations()).contains("call_tool(name: \"stock\"").contains("): number;");
        });
        runner.withBean(CodeSandbox.class, FakeSandbox::new).withUserConfiguration(ToolsConfiguration.class)
                .withPropertyValues("codeact.tools.exclude=sto*")
                .run(context -> assertThat(context.getBean(ToolCatalog.class).select(List.of()).sandboxed()).isEmpty());
    }

    @Test
    void propertiesAreValidatedAtStartUp() {
        runner.withPropertyValues("codeact.sandbox.pool-size=0").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("codeact.sandbox.pool-size=0: must be between 1 and 256"));
        runner.withPropertyValues("codeact.limits.timeout=0s").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("codeact.limits.timeout=0s: must be positive"));
        runner.withPropertyValues("codeact.limits.memory=2GB").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("codeact.limits.memory=2048MB: must be between 4MB and 400MB"));
    }

    @Test
    void theAdvisorMustRunBeforeToolCalling() {
        runner.withBean(CodeSandbox.class, FakeSandbox::new)
                .withPropertyValues("codeact.advisor-order=0")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("codeact.advisor-order (0) must be lower than spring.ai.chat.client.tool-calling.advisor-order"));
    }

    @Test
    void propertiesBindWithDefaults() {
        runner.withBean(CodeSandbox.class, FakeSandbox::new).withPropertyValues("codeact.limits.timeout=5s", "codeact.tools.direct=stock")
                .run(context -> {
                    CodeActProperties p = context.getBean(CodeActProperties.class);
                    assertThat(p.limits().timeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(p.limits().cpuTime()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(p.sandbox().backend()).isEqualTo(CodeActProperties.Backend.AUTO);
                    assertThat(p.tools().include()).containsExactly("*");
                    assertThat(p.tools().direct()).containsExactly("stock");
                    assertThat(p.advisorOrder()).isEqualTo(CodeActProperties.DEFAULT_ADVISOR_ORDER);
                });
    }

    @Test
    @RequiresKvm
    void kvmBackendWhenAskedFor() {
        runner.withPropertyValues("codeact.sandbox.backend=kvm").run(context -> {
            assertThat(context).hasNotFailed();
            CodeSandbox sandbox = context.getBean(CodeSandbox.class);
            assertThat(sandbox.backend()).isEqualTo("kvm");
            assertThat(sandbox.execute("return 6 * 7", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("42");
        });
    }

    @Test
    @RequiresKvm
    void vcpuThreadingDecidesWhichThreadRunsTheTools() {
        HostFunctions thread = HostFunctions.builder().register("thread", args -> "\"" + Thread.currentThread().getName() + "\"").build();
        runner.withPropertyValues("codeact.sandbox.backend=kvm", "codeact.sandbox.vcpu-threading=dedicated").run(context -> {
            var sandbox = (dev.codeact.spring.sandbox.kvm.KvmCodeSandbox) context.getBean(CodeSandbox.class);
            assertThat(sandbox.pool().threading()).isEqualTo(dev.codeact.hyperlight.VcpuThreading.DEDICATED);
            assertThat(sandbox.execute("return call_tool('thread', {})", thread, ExecutionLimits.defaults()).resultJson())
                    .isEqualTo("\"codeact-vcpu\"");
        });
        runner.withPropertyValues("codeact.sandbox.backend=kvm", "codeact.sandbox.vcpu-threading=caller").run(context -> {
            var sandbox = (dev.codeact.spring.sandbox.kvm.KvmCodeSandbox) context.getBean(CodeSandbox.class);
            assertThat(sandbox.execute("return call_tool('thread', {})", thread, ExecutionLimits.defaults()).resultJson())
                    .isEqualTo("\"" + Thread.currentThread().getName() + "\"");
        });
        runner.withPropertyValues("codeact.sandbox.backend=kvm").run(context -> assertThat(
                ((dev.codeact.spring.sandbox.kvm.KvmCodeSandbox) context.getBean(CodeSandbox.class)).pool().threading())
                .isEqualTo(dev.codeact.hyperlight.VcpuThreading.AUTO));
    }

    @Test
    @RequiresKvm
    void autoPicksKvmWhereItIsUsable() {
        runner.run(context -> assertThat(context.getBean(CodeSandbox.class).backend()).isEqualTo("kvm"));
    }

    @Configuration(proxyBeanMethods = false)
    static class ChatMemoryConfiguration {
        @Bean
        ChatMemory chatMemory() {
            return MessageWindowChatMemory.builder().build();
        }
    }

    private static final String[] SUSPEND = {"codeact.sandbox.backend=kvm", "codeact.tools.approval-mode=suspend",
            "codeact.tools.approval-required=stock"};

    /** Runs a program that calls the approval-required stock tool in conversation "c-1", approves it as alice. */
    private static CodeExecution approvedInConversation(org.springframework.context.ApplicationContext context) {
        CodeActExecutor executor = context.getBean(CodeActExecutor.class);
        CodeExecution suspended = executor.run(Language.JAVASCRIPT, "return call_tool('stock', { sku: 'KB-1' });",
                executor.catalog().select(List.of()), new ToolContext(Map.of()), "c-1");
        assertThat(suspended.pending()).as(suspended.result().toString()).isNotNull();
        return context.getBean(CodeActApprovals.class).decide(suspended.pending().id(), ApprovalDecision.approve(), "alice");
    }

    @Test
    @RequiresKvm
    void withAChatMemoryBeanADecisionIsNotedInTheProgramsConversation() {
        runner.withUserConfiguration(ToolsConfiguration.class, ChatMemoryConfiguration.class).withPropertyValues(SUSPEND)
                .run(context -> {
                    assertThat(approvedInConversation(context).result().resultJson()).isEqualTo("3");
                    assertThat(context.getBean(ChatMemory.class).get("c-1")).singleElement().satisfies(note -> assertThat(
                            note.getText()).contains("of stock was approved by alice", "\"result\":3"));
                });
    }

    @Test
    @RequiresKvm
    void withoutAChatMemoryBeanApprovalsWorkAsBefore() {
        runner.withUserConfiguration(ToolsConfiguration.class).withPropertyValues(SUSPEND).run(context -> {
            assertThat(context).doesNotHaveBean(ChatMemory.class);
            assertThat(approvedInConversation(context).result().resultJson()).isEqualTo("3");
        });
    }

    @Test
    void graalJsBackendWhenAskedFor() {
        runner.withPropertyValues("codeact.sandbox.backend=graaljs").run(context -> {
            assertThat(context).hasNotFailed();
            CodeSandbox sandbox = context.getBean(CodeSandbox.class);
            assertThat(sandbox.backend()).isEqualTo("graaljs");
            assertThat(sandbox.execute("return 6 * 7", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("42");
        });
    }

    @Test
    void graalJsAskedForButMissingFailsWithTheReason() {
        runner.withClassLoader(new FilteredClassLoader("org.graalvm.polyglot")).withPropertyValues("codeact.sandbox.backend=graaljs")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("GraalJS is not on the classpath"));
    }
}
