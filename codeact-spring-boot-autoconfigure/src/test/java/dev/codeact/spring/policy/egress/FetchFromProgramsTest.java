package dev.codeact.spring.policy.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The program-facing fetch() end to end, on a backend: runtime.js's fetch, the host call, this policy, a local
 * server, and back. Subclasses name the backend.
 */
abstract class FetchFromProgramsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Programs' time in the slow-server tests: a tenth of the egress timeout. */
    static final Duration PROGRAM_TIMEOUT = Duration.ofSeconds(2);
    private static LocalHttpServer server;
    private static HostFunctions functions;
    private static HostileServer silent;
    private static HostileServer trickling;
    private static HostFunctions slowServers;

    @BeforeAll
    static void startServer() throws Exception {
        server = LocalHttpServer.http();
        EgressPolicy policy = new EgressPolicy(List.of(new EgressRule("http", "127.0.0.1", server.port(), "/echo/",
                List.of("GET", "POST"), Map.of("X-Injected", "by-host"))), Duration.ofSeconds(5), 1 << 20, 3);
        functions = HostFunctions.builder().registerUnlisted(EgressPolicy.SERVICE, policy.fetch()).build();
        silent = HostileServer.silent(1);
        trickling = HostileServer.trickling(1);
        EgressPolicy patient = new EgressPolicy(List.of(
                EgressPolicyTest.rule("http", "127.0.0.1", silent.port(), "/", "GET"),
                EgressPolicyTest.rule("http", "127.0.0.1", trickling.port(), "/", "GET")), Duration.ofSeconds(20),
                1 << 20, 3);
        slowServers = HostFunctions.builder().registerUnlisted(EgressPolicy.SERVICE, patient.fetch()).build();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        silent.close();
        trickling.close();
    }

    protected abstract ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits);

    private JsonNode run(String code) {
        ExecutionResult result = execute(code, functions, ExecutionLimits.defaults());
        assertThat(result.error()).as("%s", result.error()).isNull();
        return JSON.readTree(result.resultJson());
    }

    @Test
    void aProgramFetchesAndReadsTheResponse() {
        JsonNode r = run("const r = await fetch('" + server.url("/echo/program") + "', {method:'POST',"
                + " headers:{'X-A':'1'}, body: JSON.stringify({x:1})});"
                + " return {status: r.status, ok: r.ok, ct: r.headers.get('content-type'), json: await r.json()};");
        assertThat(r.get("status").asInt()).isEqualTo(200);
        assertThat(r.get("ok").asBoolean()).isTrue();
        assertThat(r.get("ct").asString()).isEqualTo("application/json");
        JsonNode echo = r.get("json");
        assertThat(echo.get("method").asString()).isEqualTo("POST");
        assertThat(echo.get("path").asString()).isEqualTo("/echo/program");
        assertThat(echo.get("headers").get("x-a").asString()).isEqualTo("1");
        assertThat(echo.get("headers").get("x-injected").asString()).isEqualTo("by-host");
        assertThat(echo.get("body").asString()).isEqualTo("{\"x\":1}");
    }

    @Test
    void aDeniedFetchIsACatchableTypeErrorWithTheDenial() {
        JsonNode r = run("try { await fetch('" + server.url("/admin/x") + "', {method: 'DELETE'}); return 'not denied'; }"
                + " catch (e) { return {typeError: e instanceof TypeError, name: e.name, message: e.message}; }");
        assertThat(r.get("typeError").asBoolean()).isTrue();
        assertThat(r.get("name").asString()).isEqualTo("TypeError");
        assertThat(r.get("message").asString()).isEqualTo("fetch denied: no codeact.egress rule allows DELETE "
                + "http://127.0.0.1:" + server.port() + "/admin/x; add one like {scheme: http, host: 127.0.0.1, port: "
                + server.port() + ", path-prefix: /admin/, methods: [DELETE]}");
        assertThat(server.requests).noneMatch(req -> req.contains("/admin/"));
    }

    @Test
    void anUncaughtDenialFailsTheProgramWithTheTypeError() {
        ExecutionResult result = execute("await fetch('http://169.254.169.254/latest/meta-data/');", functions,
                ExecutionLimits.defaults());
        assertThat(result.error()).isNotNull();
        assertThat(result.error().name()).isEqualTo("TypeError");
        assertThat(result.error().message())
                .startsWith("TypeError: fetch denied: no codeact.egress rule allows GET"
                        + " http://169.254.169.254:80/latest/meta-data/;");
    }

    @Test
    void aSilentServerHoldsTheProgramNoLongerThanItsDeadline() throws Exception {
        stoppedAtTheDeadline(silent);
    }

    @Test
    void aTricklingBodyHoldsTheProgramNoLongerThanItsDeadline() throws Exception {
        stoppedAtTheDeadline(trickling);
    }

    @Test
    void anAbortSignalTimeoutEndsTheFetchWithItsTimeoutError() {
        long start = System.nanoTime();
        ExecutionResult result = execute("""
                const out = [];
                try { await fetch('%s', { signal: AbortSignal.timeout(300) }); } catch (e) { out.push(e.name, e.code); }
                const aborted = new AbortController();
                aborted.abort();
                try { await fetch('%s', { signal: aborted.signal }); } catch (e) { out.push(e.name); }
                return out;""".formatted(silent.url("/slow"), silent.url("/slow")), slowServers,
                ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(10)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.error()).as("%s", result.error()).isNull();
        assertThat(result.resultJson()).isEqualTo("[\"TimeoutError\",23,\"AbortError\"]");
        assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3)); // the egress timeout is 20 s
    }

    /** The egress timeout is 20 s, the program has 2 s: the fetch must give the sandbox back at 2 s. */
    private void stoppedAtTheDeadline(HostileServer slow) throws Exception {
        long start = System.nanoTime();
        ExecutionResult result = execute("const r = await fetch('" + slow.url("/slow") + "'); return await r.text();",
                slowServers, ExecutionLimits.defaults().withTimeout(PROGRAM_TIMEOUT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.error()).as("%s", result).isNotNull();
        assertThat(result.error().type()).as("%s", result.error()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(took).isLessThan(PROGRAM_TIMEOUT.plusSeconds(1));
        assertThat(slow.answering.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the fetch reached the server")
                .isTrue();
    }
}
