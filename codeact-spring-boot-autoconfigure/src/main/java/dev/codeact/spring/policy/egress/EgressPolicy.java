package dev.codeact.spring.policy.egress;

import dev.codeact.spring.sandbox.Language;
import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.spring.config.InvalidPropertyException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * What programs may reach with {@code fetch()}, as configured: the {@link EgressRules} (which requests are allowed:
 * rules, matching, address checks), the {@link FetchService} that carries requests out under them (HttpClient,
 * redirects, limits, time), and the lines that tell the model what is allowed. The service is registered as the
 * {@value #SERVICE} host service by {@code SandboxServices}.
 *
 * <p>Thread-safe; one instance serves any number of concurrent executions.
 */
public final class EgressPolicy {
    /** The host service name {@code fetch()} calls. */
    public static final String SERVICE = "codeact.fetch";

    /** Resolves a host name to its addresses; the test seam for DNS. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final EgressRules rules;
    private final FetchService service;
    private final Duration timeout;
    private final long maxResponseBytes;
    private final int maxRedirects;

    /**
     * @param rules the allowed requests; none means fetch is not allowed at all
     * @param timeout for one fetch call: lookups, connections, redirects and the whole response (the execution's
     *     deadline ends a call sooner when it comes first)
     * @param maxResponseBytes a response body longer than this fails
     * @param maxRedirects redirects followed per call; one more fails
     */
    public EgressPolicy(List<EgressRule> rules, Duration timeout, long maxResponseBytes, int maxRedirects) {
        this(rules, timeout, maxResponseBytes, maxRedirects, InetAddress::getAllByName, new DirectSockets(), null);
    }

    /**
     * For tests: how names are resolved, how sockets are made, and the TLS socket factory (null: the JDK's
     * default, which trusts the default trust store).
     */
    EgressPolicy(List<EgressRule> rules, Duration timeout, long maxResponseBytes, int maxRedirects, Resolver resolver,
            SocketFactory sockets, SSLSocketFactory tls) {
        this.rules = new EgressRules(rules);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidPropertyException("codeact.egress.timeout", timeout, "must be positive",
                    "Set codeact.egress.timeout to a duration such as 10s.");
        }
        if (maxResponseBytes < 1 || maxResponseBytes > Integer.MAX_VALUE - 8) {
            throw new InvalidPropertyException("codeact.egress.max-response-size", maxResponseBytes + "B",
                    "must be 1 byte to 2 GB", "Set codeact.egress.max-response-size to a size such as 1MB.");
        }
        if (maxRedirects < 0) {
            throw new InvalidPropertyException("codeact.egress.max-redirects", maxRedirects, "must not be negative",
                    "Set codeact.egress.max-redirects to 0 (no redirects) or more.");
        }
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
        this.maxRedirects = maxRedirects;
        this.service = new FetchService(this.rules, timeout, maxResponseBytes, maxRedirects,
                Objects.requireNonNull(resolver, "resolver"), Objects.requireNonNull(sockets, "sockets"), tls);
    }

    /**
     * The host function to register as {@value #SERVICE} (with {@code HostFunctions.Builder.registerUnlisted}); each call
     * is bounded by the smaller of the egress timeout and the time left to the execution that makes it.
     */
    public BoundedHostFunction fetch() {
        return service::call;
    }

    /** fetch as the program sees it, in TypeScript, for the model's instructions; empty when no rule allows anything. */
    public String declaration() {
        return declaration(Language.JAVASCRIPT);
    }

    /** fetch as programs in {@code language} see it, for the model's instructions; empty when no rule allows anything. */
    public String declaration(Language language) {
        if (rules.isEmpty()) {
            return "";
        }
        return language == Language.PYTHON ? """
                class Response:
                    status: int; ok: bool; headers: Mapping[str, str]
                    def text(self) -> str: ...
                    def json(self) -> Any: ...
                def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None, \
                body: str | dict | list | None = None) -> Response: ...
                """ : """
                declare function fetch(url: string, init?: { method?: string; headers?: Record<string, string>; \
                body?: string | object }): Promise<{ status: number; ok: boolean; url: string; redirected: boolean; \
                headers: { get(name: string): string | null }; text(): Promise<string>; json(): Promise<any> }>;
                """;
    }

    /**
     * What fetch may reach, in one line for the model's instructions (empty when nothing): the rules, without the
     * headers the host injects.
     */
    public String describe() {
        return describe(Language.JAVASCRIPT);
    }

    /** As {@link #describe()}, in the words of programs in {@code language}. */
    public String describe(Language language) {
        if (rules.isEmpty()) {
            return "";
        }
        return "fetch may reach only: " + rules.describeRules() + "; anything else "
                + (language == Language.PYTHON ? "raises an exception." : "throws a TypeError.")
                + (rules.injectsCredentials() ? " Do not send credentials the host adds." : "")
                + (maxRedirects == 0 ? " Redirects fail." : " Redirects (up to " + maxRedirects + ") are checked again.")
                + " Each call: " + timeout.toMillis() + " ms, bodies up to " + maxResponseBytes + " bytes of text.";
    }
}
