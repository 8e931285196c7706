package dev.codeact.sample;

import static dev.codeact.sample.Chromium.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

/**
 * The playground in the {@code sessions} profile, in a real headless Chromium: the conversation id in the header
 * carries a program's state to the next run, a run that stops at {@code cancel_order} shows Approve and Deny, and the
 * Approvals tab lists what waits and shows the rest of the program's run once decided. Same configuration as
 * {@link SessionsAndApprovalsApiTest}, so the application context is shared with it; the browser waits on conditions.
 */
@RequiresKvm
@ActiveProfiles("sessions")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.ai.openai.api-key=",
        "spring.ai.openai.base-url=https://api.openai.com/v1"})
class PlaygroundApprovalsBrowserTest {
    static Chromium chromium;

    @BeforeEach
    void browser() {
        if (chromium == null) {
            chromium = Chromium.start();
        }
    }

    @AfterAll
    static void close() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private void open(String tab) {
        chromium.driver.get("about:blank");
        chromium.driver.get("http://127.0.0.1:" + port + "/#" + tab);
    }

    private void runProgram(String code) {
        WebElement editor = chromium.await("#code");
        editor.clear();
        editor.sendKeys(code);
        chromium.await("#run-button").click();
    }

    @Test
    void theConversationIdInTheHeaderCarriesAProgramsStateToTheNextRun() {
        open("run");
        chromium.await("#conversation").sendKeys("browser-counter");
        new Select(chromium.await("#example")).selectByVisibleText("Sessions: a counter that lives on in the conversation");
        for (int expected = 1; expected <= 2; expected++) {
            chromium.await("#run-button").click();
            chromium.awaitText("#run-output [data-field=result]", String.valueOf(expected));
            assertThat(text(chromium.await("#run-output [data-field=conversation]")))
                    .isEqualTo("conversation browser-counter");
        }
    }

    @Test
    void aRunStoppedAtCancelOrderIsApprovedInPlaceAndGoesOn() throws IOException {
        int order = deliveredOrder(10);
        open("run");
        runProgram("const c = call_tool('cancel_order', {orderId: %d}); return c.status;".formatted(order));

        WebElement pending = chromium.await("#run-output [data-field=pending]");
        assertThat(text(pending)).contains("Waiting for approval: cancel_order({\"orderId\":" + order + "})");
        assertThat(text(chromium.await("#approval-count"))).as("the tab counts it").isNotBlank();
        chromium.screenshot(Path.of("target", "playground-pending.png"));
        pending.findElement(By.cssSelector("button.approve")).click();

        WebElement decided = chromium.await("#run-output [data-field=decided]");
        assertThat(text(decided)).startsWith("Approved");
        assertThat(text(decided.findElement(By.cssSelector("[data-field=result]")))).isEqualTo("\"CANCELLED\"");
        assertThat(status(order)).isEqualTo("CANCELLED");
    }

    @Test
    void theApprovalsTabListsWhatWaitsAndDeniesIt() {
        int order = deliveredOrder(11);
        open("run");
        runProgram("""
                try { call_tool('cancel_order', {orderId: %d}); } catch (e) { return e.name + ': ' + e.message; }
                """.formatted(order));
        String id = chromium.await("#run-output [data-field=pending]").getDomAttribute("data-approval");

        chromium.await("#tab-approvals").click();
        WebElement entry = chromium.await("#approvals-list [data-approval='" + id + "']");
        assertThat(text(entry)).contains("cancel_order({\"orderId\":" + order + "})");
        chromium.await("#approval-reason").sendKeys("not without the customer");
        entry.findElement(By.cssSelector("button.deny")).click();

        WebElement decided = chromium.await("#approval-output [data-field=decided]");
        assertThat(text(decided)).startsWith("Denied");
        assertThat(text(decided.findElement(By.cssSelector("[data-field=result]"))))
                .startsWith("\"ToolError: ").contains("not without the customer");
        chromium.awaitGone("#approvals-list [data-approval='" + id + "']");   // decided, so no longer listed
        assertThat(status(order)).isEqualTo("DELIVERED");
    }

    private int deliveredOrder(int n) {
        return jdbc.sql("SELECT id FROM orders WHERE status = 'DELIVERED' ORDER BY id LIMIT 1 OFFSET :n")
                .param("n", n).query(Integer.class).single();
    }

    private String status(int order) {
        return jdbc.sql("SELECT status FROM orders WHERE id = :id").param("id", order).query(String.class).single();
    }
}
