package dev.codeact.spring.policy.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.policy.PythonPrograms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Python programs' fetch() in the Python guest: python/lib/_codeact_fetch.py, the host call, the egress policy (the
 * same service and fixtures as FetchFromProgramsTest's JavaScript programs), a local server, and back.
 */
@RequiresKvm
class PythonFetchTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PROGRAM_TIMEOUT = Duration.ofSeconds(2);
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

    private static JsonNode run(String code) {
        ExecutionResult result = PythonPrograms.execute(code, functions, ExecutionLimits.defaults());
        assertThat(result.error()).as("%s", result.error()).isNull();
        return JSON.readTree(result.resultJson());
    }

    @Test
    void aProgramFetchesAndReadsTheResponse() {
        JsonNode r = run("""
                r = fetch('%s', method='POST', headers={'X-A': '1'}, body={'x': 1})
                g = await fetch('%s')
                {'status': r.status, 'ok': r.ok, 'ct': r.headers['CONTENT-TYPE'], 'echo': r.headers.get('x-echo'),
                 'missing': r.headers.get('x-none', 'default'), 'has': 'Content-Type' in r.headers, 'json': r.json(),
                 'text': r.text()[:1], 'content': r.content[:1].decode(), 'get': g.json()['method'], 'url': g.url}
                """.formatted(server.url("/echo/program"), server.url("/echo/get")));
        assertThat(r.get("status").asInt()).isEqualTo(200);
        assertThat(r.get("ok").asBoolean()).isTrue();
        assertThat(r.get("ct").asString()).isEqualTo("application/json");
        assertThat(r.get("echo").asString()).isEqualTo("yes");
        assertThat(r.get("missing").asString()).isEqualTo("default");
        assertThat(r.get("has").asBoolean()).isTrue();
        JsonNode echo = r.get("json");
        assertThat(echo.get("method").asString()).isEqualTo("POST");
        assertThat(echo.get("path").asString()).isEqualTo("/echo/program");
        assertThat(echo.get("headers").get("x-a").asString()).isEqualTo("1");
        assertThat(echo.get("headers").get("x-injected").asString()).isEqualTo("by-host");
        assertThat(echo.get("headers").get("content-type").asString()).isEqualTo("application/json");
        assertThat(echo.get("body").asString()).isEqualTo("{\"x\": 1}");
        assertThat(r.get("text").asString()).isEqualTo("{");
        assertThat(r.get("content").asString()).isEqualTo("{");
        assertThat(r.get("get").asString()).isEqualTo("GET");
        assertThat(r.get("url").asString()).isEqualTo(server.url("/echo/get"));
    }

    @Test
    void aDeniedFetchIsACatchableFetchErrorWithTheHostsDenial() {
        JsonNode r = run("""
                try:
                    fetch('%s', method='DELETE')
                    result = 'not denied'
                except FetchError as e:
                    result = {'name': type(e).__name__, 'message': str(e), 'isException': isinstance(e, Exception)}
                result
                """.formatted(server.url("/admin/x")));
        assertThat(r.get("name").asString()).isEqualTo("FetchError");
        assertThat(r.get("isException").asBoolean()).isTrue();
        // the message JavaScript's TypeError carries (FetchFromProgramsTest)
        assertThat(r.get("message").asString()).isEqualTo("fetch denied: no codeact.egress rule allows DELETE "
                + "http://127.0.0.1:" + server.port() + "/admin/x; add one like {scheme: http, host: 127.0.0.1, port: "
                + server.port() + ", path-prefix: /admin/, methods: [DELETE]}");
        assertThat(server.requests).noneMatch(req -> req.contains("/admin/"));
    }

    @Test
    void anUncaughtDenialFailsTheProgramWithTheFetchError() {
        ExecutionResult result = PythonPrograms.execute("fetch('http://169.254.169.254/latest/meta-data/')", functions,
                ExecutionLimits.defaults());
        assertThat(result.error()).isNotNull();
        assertThat(result.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(result.error().name()).isEqualTo("FetchError");
        assertThat(result.error().message())
                .startsWith("FetchError: fetch denied: no codeact.egress rule allows GET"
                        + " http://169.254.169.254:80/latest/meta-data/;");
    }

    @Test
    void badArgumentsAreTypeErrorsBeforeAnyHostCall() {
        JsonNode r = run("""
                out = []
                for call in (lambda: fetch('%s', body=object()), lambda: fetch('%s', headers={1: 'x'})):
                    try:
                        call()
                    except TypeError as e:
                        out.append(str(e))
                out
                """.formatted(server.url("/echo/a"), server.url("/echo/b")));
        assertThat(r.get(0).asString()).startsWith("fetch(body=...): a body is str, bytes, or a dict or list");
        assertThat(r.get(1).asString()).startsWith("fetch(headers=...): header names must be strings");
        assertThat(server.requests).noneMatch(req -> req.contains("/echo/a") || req.contains("/echo/b"));
    }

    @Test
    void aRequestPastTheHostCallLimitFailsInTheGuestBeforeAnyExit() {
        ExecutionResult result = PythonPrograms.execute("""
                try:
                    fetch('%s', method='POST', body='x' * (2 << 20))
                    result = 'sent'
                except FetchError as e:
                    result = str(e)
                result
                """.formatted(server.url("/echo/big")), functions, ExecutionLimits.defaults());
        assertThat(result.error()).as("%s", result.error()).isNull();
        assertThat(result.resultJson()).startsWith("\"tool arguments too large: ").endsWith(", the limit is "
                + ExecutionLimits.DEFAULT_MAX_HOST_CALL_REQUEST_BYTES + " bytes\"");
        assertThat(result.hostCalls()).isZero();
        assertThat(server.requests).noneMatch(req -> req.contains("/echo/big"));
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
    void aTimeoutEndsTheFetchWithTimeoutError() {
        long start = System.nanoTime();
        ExecutionResult result = PythonPrograms.execute("""
                try:
                    fetch('%s', timeout=0.3)
                    result = 'answered'
                except TimeoutError as e:
                    result = ['TimeoutError', str(e)]
                result
                """.formatted(silent.url("/slow")), slowServers, ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(10)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.error()).as("%s", result.error()).isNull();
        assertThat(result.resultJson()).startsWith("[\"TimeoutError\",\"fetch timed out after 300 ms: ");
        assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3)); // the egress timeout is 20 s
    }

    /** The egress timeout is 20 s, the program has 2 s: the fetch must give the sandbox back at 2 s. */
    private static void stoppedAtTheDeadline(HostileServer slow) throws Exception {
        long start = System.nanoTime();
        ExecutionResult result = PythonPrograms.execute("fetch('" + slow.url("/slow") + "').text()", slowServers,
                ExecutionLimits.defaults().withTimeout(PROGRAM_TIMEOUT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.error()).as("%s", result).isNotNull();
        assertThat(result.error().type()).as("%s", result.error()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(took).isLessThan(PROGRAM_TIMEOUT.plusSeconds(1));
        assertThat(slow.answering.await(5, TimeUnit.SECONDS)).as("the fetch reached the server").isTrue();
    }
}
