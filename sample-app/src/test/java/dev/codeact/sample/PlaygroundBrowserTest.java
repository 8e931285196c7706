package dev.codeact.sample;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import org.junit.jupiter.api.Assumptions;
import org.springframework.beans.factory.annotation.Autowired;
import static dev.codeact.sample.Chromium.text;
import static dev.codeact.spring.testing.Reply.executeCode;
import static dev.codeact.spring.testing.Reply.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.spring.testing.ScriptedOpenAiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The playground page ({@code /}) in a real headless Chromium against the real application: programs run in the
 * sandbox against the seeded database, the chat goes to a scripted OpenAI-compatible model on 127.0.0.1 (as in
 * {@link ChatApiTest}), and the sandbox tab reads {@code /actuator/codeact}. The browser waits on conditions
 * (an element becomes visible), never on time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "codeact.sandbox.backend=auto")
class PlaygroundBrowserTest {
    static final ScriptedOpenAiServer MODEL = ScriptedOpenAiServer.start();
    static final List<String> THREE_TOOLS = List.of("find_customer", "orders_for_customer", "exchange_rate");
    static Chromium chromium;

    @DynamicPropertySource
    static void scriptedModel(DynamicPropertyRegistry registry) {
        MODEL.registerAsOpenAi(registry, "");
    }

    /** One browser for the class, started before the first test (per test, so that a skip is reported per test). */
    @BeforeEach
    void browser() {
        MODEL.reset();
        if (chromium == null) {
            chromium = Chromium.start();
        }
    }

    @AfterAll
    static void close() throws IOException {
        MODEL.close();
        if (chromium != null) {
            chromium.close();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    CodeSandbox sandbox;

    /** A fresh page on one tab (a new document: the same URL with another #tab would only switch tabs). */
    private void open(String tab) {
        chromium.driver.get("about:blank");
        chromium.driver.get("http://127.0.0.1:" + port + "/#" + tab);
    }

    private static List<String> tools(List<WebElement> rows) {
        return rows.stream().map(r -> r.getDomAttribute("data-tool")).toList();
    }

    private static String field(WebElement scope, String name) {
        return text(scope.findElement(By.cssSelector("[data-field=" + name + "]")));
    }

    @Test
    void theReadmeProgramRunsAndTheTimelineShowsEachToolCallWithArgumentsResultAndTiming() throws IOException {
        open("run");
        assertThat(new Select(chromium.await("#example")).getFirstSelectedOption().getText()).startsWith("Three tools");
        chromium.await("#run-button").click();

        WebElement execution = chromium.await("#run-output .execution");
        assertThat(text(execution.findElement(By.cssSelector(".summary")))).contains("success", "3 tool calls");
        List<WebElement> rows = chromium.all("#run-output li.call");
        assertThat(tools(rows)).isEqualTo(THREE_TOOLS);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.getDomAttribute("class")).isEqualTo("call ok");
            assertThat(text(row.findElement(By.cssSelector(".timing")))).matches("\\+\\d+(\\.\\d+)? ms\\d+(\\.\\d+)? ms");
        });
        assertThat(text(rows.get(0).findElement(By.cssSelector(".args")))).isEqualTo("{\"email\":\"ada.lovelace@example.com\"}");
        assertThat(text(rows.get(1).findElement(By.cssSelector(".args")))).isEqualTo("{\"customerId\":1}");
        assertThat(text(rows.get(2).findElement(By.cssSelector(".args")))).isEqualTo("{\"from\":\"EUR\",\"to\":\"USD\"}");
        assertThat(text(rows.get(2).findElement(By.cssSelector(".preview")))).contains("\"rate\":1.085");
        assertThat(field(execution, "stdout")).isEqualTo("Ada Lovelace: 2 delivered orders\n");
        assertThat(field(execution, "stderr")).isEqualTo("(nothing on stderr)");
        JsonNode result = ApiClient.JSON.readTree(field(execution, "result"));
        assertThat(result.path("customer").asString()).isEqualTo("Ada Lovelace");
        assertThat(result.path("orders").toString()).isEqualTo("[5150,5226]");
        assertThat(result.path("totalUsd").asDouble()).isEqualTo(952.52);
        chromium.screenshot(Path.of("target", "playground.png"));

        // a row opens on what came back, in full
        rows.get(0).findElement(By.tagName("summary")).click();
        WebElement full = chromium.await("#run-output li.call:first-child details[open] pre:last-of-type");
        assertThat(ApiClient.JSON.readTree(text(full)).path("name").asString()).isEqualTo("Ada Lovelace");
    }

    /** The Python example sets the language; its program runs as Python where the sandbox runs Python (KVM). */
    @Test
    void thePythonExampleRunsAsPython() {
        Assumptions.assumeTrue(sandbox.languages().contains(Language.PYTHON), "this sandbox runs no Python");
        open("run");
        new Select(chromium.await("#example")).selectByVisibleText("Python: what Ada spent, in US dollars");
        assertThat(new Select(chromium.await("#language")).getFirstSelectedOption().getDomAttribute("value"))
                .isEqualTo("python");
        assertThat(chromium.await("#run .hint[data-language=python]").isDisplayed()).isTrue();
        assertThat(chromium.driver.findElement(By.cssSelector("#run .hint[data-language=javascript]")).isDisplayed()).isFalse();
        chromium.awaitText("#tool-declarations", "def call_tool(name: Literal[\"find_customer\"]");
        chromium.await("#run-button").click();

        WebElement execution = chromium.await("#run-output .execution");
        assertThat(execution.getDomAttribute("data-success")).isEqualTo("true");
        assertThat(tools(chromium.all("#run-output li.call"))).isEqualTo(THREE_TOOLS);
        assertThat(field(execution, "stdout")).isEqualTo("Ada Lovelace: 2 delivered orders\n");
        JsonNode result = ApiClient.JSON.readTree(field(execution, "result"));
        assertThat(result.path("orders").toString()).isEqualTo("[5150,5226]");
        assertThat(result.path("totalUsd").asDouble()).isEqualTo(952.52);
    }

    @Test
    void anExampleWithAFailingToolShowsTheFailedCallAndTheError() {
        open("run");
        new Select(chromium.await("#example")).selectByVisibleText("A failing tool, not caught");
        assertThat(chromium.await("#code").getDomProperty("value")).contains("to: 'XYZ'");
        chromium.await("#run-button").click();

        WebElement execution = chromium.await("#run-output .execution");
        assertThat(execution.getDomAttribute("data-success")).isEqualTo("false");
        assertThat(field(execution, "error")).startsWith("TOOL_ERROR").contains("unknown currency 'XYZ'");
        List<WebElement> rows = chromium.all("#run-output li.call");
        assertThat(tools(rows)).containsExactly("exchange_rate");
        assertThat(rows.get(0).getDomAttribute("class")).isEqualTo("call fail");
        assertThat(text(rows.get(0).findElement(By.cssSelector(".preview")))).contains("unknown currency 'XYZ'");
    }

    @Test
    void whatAProgramPrintsAndToolsReturnIsShownAsTextNeverAsMarkup() {
        open("run");
        WebElement code = chromium.await("#code");
        code.clear();
        code.sendKeys("""
                console.log('<img id="injected" src="x" onerror="document.title = 1"> & <b>bold</b>');
                call_tool('find_customer', {email: '<script>nobody</script>@example.com'});
                """);
        code.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));   // the keyboard shortcut runs it too

        WebElement execution = chromium.await("#run-output .execution");
        assertThat(field(execution, "stdout")).isEqualTo("<img id=\"injected\" src=\"x\" onerror=\"document.title = 1\"> & <b>bold</b>\n");
        assertThat(field(execution, "error")).contains("no customer with e-mail <script>nobody</script>@example.com");
        assertThat(text(chromium.await("#run-output li.call .args"))).isEqualTo("{\"email\":\"<script>nobody</script>@example.com\"}");
        assertThat(chromium.all("#injected, #run-output img, #run-output b, #run-output script")).isEmpty();
        assertThat(chromium.driver.getTitle()).isEqualTo("CodeAct playground");
    }

    @Test
    void aQuestionShowsTheAnswerTheProgramTheModelWroteAndItsExecution() throws IOException {
        MODEL.enqueue(executeCode("call_1", ChatApiTest.PROGRAM), text(ChatApiTest.ANSWER));
        open("chat");
        assertThat(text(chromium.await("#model-status"))).contains("test-model", MODEL.baseUrl());
        WebElement question = chromium.await("#question");
        question.sendKeys(ChatApiTest.QUESTION);
        question.sendKeys(Keys.ENTER);

        WebElement answer = chromium.await("#chat-output [data-field=answer]");
        assertThat(text(answer)).isEqualTo("Model" + ChatApiTest.ANSWER);
        assertThat(text(chromium.await("#chat-output .question"))).isEqualTo("You" + ChatApiTest.QUESTION);
        assertThat(text(chromium.await("#chat-output [data-field=program]"))).isEqualTo(ChatApiTest.PROGRAM);
        WebElement execution = chromium.await("#chat-output .execution");
        assertThat(execution.getDomAttribute("data-success")).isEqualTo("true");
        assertThat(tools(chromium.all("#chat-output li.call"))).isEqualTo(THREE_TOOLS);
        assertThat(ApiClient.JSON.readTree(field(execution, "result")).path("usd").asDouble()).isEqualTo(952.52);
        assertThat(MODEL.requests()).hasSize(2);
        assertThat(MODEL.remainingReplies()).isZero();
        chromium.screenshot(Path.of("target", "playground-chat.png"));
    }

    @Test
    void theSandboxTabShowsWhatTheActuatorReportsIncludingTheRunJustMade() {
        open("run");
        chromium.await("#run-button").click();
        chromium.await("#run-output .execution");
        chromium.await("#tab-sandbox").click();

        WebElement recent = chromium.await("#sandbox-output [data-field=recent]");
        JsonNode report = new ApiClient(port).get("/actuator/codeact").json();
        JsonNode executions = report.path("executions");
        assertThat(text(chromium.await("#sandbox-output [data-field=executions]"))).isEqualTo(
                "total" + executions.path("total").asLong() + "success" + executions.path("byOutcome").path("success").asLong(0)
                        + "failure" + executions.path("byOutcome").path("failure").asLong(0));
        List<WebElement> rows = recent.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).hasSize(report.path("recentExecutions").size());
        assertThat(text(rows.get(0).findElement(By.cssSelector("td.tools"))))
                .isEqualTo("find_customer → orders_for_customer → exchange_rate");
        assertThat(text(chromium.await("#backend"))).isEqualTo("sandbox: " + report.path("backend").asString());
        String page = text(chromium.await("#sandbox-output"));
        assertThat(page).contains(report.path("backendReason").asString(), "p50", "p99", "Tool calls from programs");
        if (report.path("pool").isObject()) {
            assertThat(page).contains("size" + report.path("pool").path("size").asInt());
        }
    }
}
