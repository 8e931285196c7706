package dev.codeact.spring.policy.egress;

import dev.codeact.spring.json.CodeActJson;
import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.SocketFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What programs may reach with {@code fetch()}: the {@value #SERVICE} host service behind the program's
 * {@code fetch(url, {method, headers, body})}, and the lines that tell the model what is allowed.
 *
 * <h2>What is allowed</h2>
 * Nothing, unless an {@link EgressRule} matches the request's scheme, host (exact, or {@code *.domain} for any
 * subdomain, never the bare domain), port (the rule's, or the scheme's default), path prefix and method. CONNECT
 * and TRACE are never allowed. When several rules match, the first one's headers are added. Every denial names
 * the request and a rule that would allow it, e.g. <code>fetch denied: no codeact.egress rule allows POST
 * https://api.example.com:443/v2/x; add one like {scheme: https, host: api.example.com, port: 443, path-prefix:
 * /v2/, methods: [POST]}</code>.
 *
 * <p>URLs must be absolute http or https URLs without user info; dot segments are removed (as a browser does)
 * and refused when they survive that in any form an upstream could still take for one — percent-encoded (even
 * twice), with path parameters ({@code ..;}, {@code .;x}, {@code %2e%2e;jsessionid=1}: Tomcat, Jetty and Spring
 * cut a segment at {@code ;}), behind an encoded {@code /} or {@code ;} or a {@code \}, or above the root — and so
 * is an encoded NUL, so a path prefix cannot be escaped. The path prefix is compared with the path as sent,
 * percent-encoding included.
 *
 * <h2>Addresses, and how HttpClient is kept from resolving twice</h2>
 * The host name is resolved once, here. If any of its addresses is loopback, private (10/8, 172.16/12,
 * 192.168/16, 100.64/10, fc00::/7), link-local (169.254/16, fe80::/10), unspecified, multicast, reserved or a
 * cloud metadata address (169.254.169.254, fd00:ec2::254, 100.100.100.200, or the names metadata.google.internal
 * and metadata.goog), the request is refused unless a matching rule names that address literally, or the rule's
 * host is {@code localhost} and the address is a loopback one. A rule for {@code evil.example} therefore does not
 * let a program reach 127.0.0.1 because evil.example resolves there.
 *
 * <p>The connection then goes to exactly the addresses that were checked. The request goes through Apache
 * HttpClient 5 (classic API, HTTP/1.1), set up per request so that it has no way to look anything up itself:
 * <ul>
 *   <li>its only {@code DnsResolver} is this class's pinned one: the first question looks the request's host up
 *       and checks every address; every later one gets exactly those addresses, and any other name is refused.
 *       The policy asks first, so refusals come before anything connects, and HttpClient's connect then gets
 *       the pinned answer and tries the addresses in order; the name is looked up once (the tests count it);</li>
 *   <li>it is {@code HttpClients.createMinimal}: the route is always direct — no route planner, no
 *       {@code ProxySelector}, no system proxy properties — and there are no redirects, authentication,
 *       cookies, retries or content decoding of its own; its sockets come from this class and are made with
 *       {@link java.net.Proxy#NO_PROXY}, so not even {@code socksProxyHost} applies;</li>
 *   <li>TLS is layered over the connected socket here, with the URL's host name as SNI and as the name the
 *       certificate must match ({@code HTTPS} endpoint identification, checked by the JDK during the handshake,
 *       against the JDK's default trust store): the name is verified, never resolved. An http request has no
 *       TLS layer at all, so a server's offer to switch to TLS (101) cannot be taken up; fetch refuses any 101.</li>
 * </ul>
 * {@code java.net.http.HttpClient} and {@code HttpURLConnection} could not do this: they take a URL, not an
 * address, and forbid setting {@code Host}, so they would resolve the name again and rely on the JVM's address
 * cache agreeing with the check — a window for DNS rebinding. Every request says {@code Connection: close}, and
 * each gets a one-connection client that is closed with it: no connection is ever reused, within an execution or
 * across executions. HttpClient logs what it sends at DEBUG ({@code org.apache.hc.client5.http.headers} and
 * {@code .wire}), injected headers included: keep those loggers above DEBUG wherever credentials are injected.
 *
 * <h2>Requests and responses</h2>
 * Hop-by-hop headers (connection, keep-alive, proxy-authenticate, proxy-authorization, te, trailer,
 * transfer-encoding, upgrade), proxy headers (proxy-*, forwarded, x-forwarded-*, via, x-real-ip), host,
 * content-length, expect and accept-encoding are dropped from the program's request; the matching rule's headers
 * are added and replace the program's headers of the same name. Those injected headers never appear in
 * {@link #describe()} or in any failure message. Redirects (301, 302, 303, 307, 308) are followed by this class,
 * never by HttpClient, up to {@code maxRedirects}, each target checked like the first request (rules and
 * addresses) and given its own rule's headers; 303, and 301/302 after a POST, continue as GET without the body; a
 * cross-origin redirect drops the program's Authorization and Cookie headers; a redirect's body is never read.
 * Response heads are capped at 256 header lines and 64 KB (a flood fails as it arrives), a body is never buffered
 * past {@code maxResponseBytes} (a Content-Length over the limit fails before any body is read), and gzip and
 * deflate, asked for with {@code Accept-Encoding: identity} but sent anyway, are decoded here as they are read and
 * limited after decoding too, so a compression bomb fails at the first byte past the limit. Bodies go back as
 * UTF-8 text, invalid bytes replaced.
 *
 * <h2>Time</h2>
 * A call has the smaller of the egress timeout and the time left to the execution that makes it (the
 * {@link Deadline} the sandbox hands over), for the whole of it: name lookups, connects, TLS handshakes, every
 * redirect and the whole response, however slowly it trickles in. Socket timeouts bound each wait, and at the end
 * a timer closes every socket of the call, which ends a wait that no timeout would (a body trickling one byte a
 * second). A name lookup in the JDK resolver cannot be cut short, so it runs on a helper thread and the call stops
 * waiting for it at the end; the lookup itself finishes in the background, its answer unused. When it is the
 * execution's deadline that ends a call, the failure says the execution's time ran out, and the sandbox reports
 * TIMEOUT: a silent server costs an execution its deadline and a few milliseconds, not the egress timeout.
 *
 * <p>Thread-safe; one instance serves any number of concurrent executions.
 */
public final class EgressPolicy {
    /** The host service name {@code fetch()} calls. */
    public static final String SERVICE = "codeact.fetch";

    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final Set<String> NEVER = Set.of("CONNECT", "TRACE");
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "forwarded", "via", "x-real-ip",
            "host", "content-length", "expect", "accept-encoding");
    private static final Set<String> HOST_CONTROLLED = Set.of("host", "content-length", "connection", "keep-alive",
            "transfer-encoding", "te", "trailer", "upgrade", "expect", "accept-encoding");
    private static final Set<String> DROPPED_FROM_RESPONSE = Set.of("connection", "keep-alive", "transfer-encoding");
    private static final Set<String> BODY_HEADERS = Set.of("content-type", "content-encoding", "content-language",
            "content-location");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Name lookups, off the caller's thread so that its wait can end at its deadline (see lookUp). */
    private static final ThreadPoolExecutor LOOKUPS = lookups();

    /** Resolves a host name to its addresses; the test seam for DNS. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<EgressRule> rules;
    private final Duration timeout;
    private final long maxResponseBytes;
    private final int maxRedirects;
    private final Resolver resolver;
    private final SocketFactory sockets;
    private final SSLSocketFactory tls;

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
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
        for (int i = 0; i < this.rules.size(); i++) {
            validate(this.rules.get(i), "codeact.egress.rules[" + i + "]");
        }
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
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.sockets = Objects.requireNonNull(sockets, "sockets");
        this.tls = tls;
    }

    /** Fails fast on rules that could never match or would send a broken header; never shows header values. */
    private static void validate(EgressRule rule, String where) {
        String host = rule.host();
        if (host.startsWith("*.") ? host.length() == 2 || host.indexOf('*', 1) >= 0 : host.indexOf('*') >= 0) {
            throw new InvalidPropertyException(where + ".host", host, "must be exact or *.domain",
                    "Name one host (api.example.com), or *.example.com for any of its subdomains.");
        }
        if (host.indexOf('/') >= 0 || host.indexOf('@') >= 0 || host.indexOf(' ') >= 0) {
            throw new InvalidPropertyException(where + ".host", host, "must be a host name or IP address, not a URL",
                    "Put the scheme, port and path in the rule's scheme, port and path-prefix.");
        }
        if (!rule.pathPrefix().startsWith("/")) {
            throw new InvalidPropertyException(where + ".path-prefix", rule.pathPrefix(), "must start with /",
                    "Write the path prefix as the URL path starts, e.g. /v1/.");
        }
        rule.headers().forEach((name, value) -> {
            // the value is never shown: headers carry credentials
            if (name == null || !TOKEN.matcher(name).matches() || value == null || !validValue(value)) {
                throw new InvalidPropertyException(where + ".headers", "(not shown)", "has a header that is not a valid"
                        + " HTTP header (names are tokens; values have no line breaks, control or non-Latin-1 characters)",
                        "Fix the header's name or value.");
            }
            if (HOST_CONTROLLED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidPropertyException(where + ".headers", name, "cannot set the " + name
                        + " header: the host sets it for each request", "Remove the " + name + " header from the rule.");
            }
        });
    }

    /**
     * The host function to register as {@value #SERVICE} (with {@code HostFunctions.Builder.service}); each call
     * is bounded by the smaller of the egress timeout and the time left to the execution that makes it.
     */
    public BoundedHostFunction fetch() {
        return this::call;
    }

    /** fetch as the program sees it, in TypeScript, for the model's instructions; empty when no rule allows anything. */
    public String declaration() {
        return rules.isEmpty() ? "" : """
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
        if (rules.isEmpty()) {
            return "";
        }
        List<String> allowed = new ArrayList<>();
        boolean credentials = false;
        for (EgressRule rule : rules) {
            StringBuilder r = new StringBuilder(String.join("|", rule.methods())).append(' ').append(rule.scheme())
                    .append("://").append(SpecialAddresses.urlHost(rule.host())).append(':').append(rule.effectivePort())
                    .append(rule.pathPrefix()).append("...");
            if (isWildcard(rule)) {
                r.append(" (subdomains only)");
            }
            if (!rule.headers().isEmpty()) {
                r.append(" (credentials added by the host)");
                credentials = true;
            }
            allowed.add(r.toString());
        }
        return "fetch may reach only: " + String.join("; ", allowed) + "; anything else throws a TypeError."
                + (credentials ? " Do not send credentials the host adds." : "")
                + (maxRedirects == 0 ? " Redirects fail." : " Redirects (up to " + maxRedirects + ") are checked again.")
                + " Each call: " + timeout.toMillis() + " ms, bodies up to " + maxResponseBytes + " bytes of text.";
    }

    private String call(String argumentsJson, Deadline deadline) {
        JsonNode args = parseArguments(argumentsJson);
        // an AbortSignal.timeout() the program passed: the call ends then, and the program rejects with the signal's reason
        JsonNode signalTimeout = args.get("timeoutMs");
        Duration limit = signalTimeout != null && signalTimeout.canConvertToLong() && signalTimeout.asLong() >= 0
                && signalTimeout.asLong() < timeout.toMillis() ? Duration.ofMillis(signalTimeout.asLong()) : timeout;
        FetchClock clock = new FetchClock(limit, deadline);
        try (clock) {
            return call(args, clock);
        }
    }

    private String call(JsonNode args, FetchClock clock) {
        String method = textField(args, "method", "GET").toUpperCase(Locale.ROOT);
        if (!TOKEN.matcher(method).matches()) {
            throw new HostFunctionException("fetch: '" + shorten(method) + "' is not a valid HTTP method");
        }
        JsonNode urlNode = args.get("url");
        if (urlNode == null || !urlNode.isString() || urlNode.asString().isBlank()) {
            throw new HostFunctionException("fetch: the URL is missing; call fetch(url, {method, headers, body})");
        }
        FetchTarget target = FetchTarget.parse(urlNode.asString());
        if (NEVER.contains(method)) {
            throw new HostFunctionException("fetch denied: " + method + " requests are never allowed");
        }
        String body = args.hasNonNull("body") ? textField(args, "body", null) : null;
        if (body != null && (method.equals("GET") || method.equals("HEAD"))) {
            throw new HostFunctionException("fetch: a " + method + " request cannot have a body");
        }
        List<Map.Entry<String, String>> programHeaders = programHeaders(args.get("headers"));
        if (body != null && programHeaders.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("content-type"))) {
            programHeaders.add(new AbstractMap.SimpleEntry<>("Content-Type", "text/plain;charset=UTF-8"));
        }

        FetchTarget from = null;
        for (int redirects = 0; ; redirects++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new HostFunctionException("fetch interrupted: " + target.url());
            }
            if (clock.over()) {
                throw clock.ranOut(target);
            }
            List<EgressRule> matching = authorize(method, target, from);
            PinnedResolver pinned = new PinnedResolver(target, matching, from, clock);
            pinned.pin(); // the lookup and the checks, before anything connects
            byte[] bodyBytes = body != null ? body.getBytes(StandardCharsets.UTF_8)
                    : method.equals("POST") || method.equals("PUT") || method.equals("PATCH") ? new byte[0] : null;
            try (EgressExchange exchange = EgressExchange.send(target, pinned, clock, sockets, this::tls, method,
                    requestHeaders(programHeaders, matching.get(0)), bodyBytes)) {
                EgressExchange.Head head = exchange.head();
                String location = head.first("location");
                if (REDIRECTS.contains(head.status()) && location != null) {
                    if (redirects >= maxRedirects) {
                        throw new HostFunctionException("fetch failed: too many redirects (more than "
                                + maxRedirects + ") from " + urlNode.asString());
                    }
                    FetchTarget next = target.resolve(location);
                    if (head.status() == 303 && !method.equals("HEAD")
                            || (head.status() == 301 || head.status() == 302) && method.equals("POST")) {
                        method = "GET";
                        body = null;
                        programHeaders.removeIf(h -> BODY_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT)));
                    }
                    if (!next.sameOrigin(target)) {
                        programHeaders.removeIf(h -> h.getKey().equalsIgnoreCase("authorization")
                                || h.getKey().equalsIgnoreCase("cookie"));
                    }
                    from = target;
                    target = next;
                    continue;
                }
                return reply(head, target, redirects > 0, exchange.readBody(maxResponseBytes));
            } catch (IOException | IllegalStateException e) {
                throw failure(e, target, clock);
            }
        }
    }

    private HostFunctionException failure(Exception e, FetchTarget target, FetchClock clock) {
        if (clock.over() || e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException) {
            return clock.ranOut(target);
        }
        if (e instanceof EgressExchange.TooLarge) {
            return new HostFunctionException("fetch response from " + target.url() + " exceeds the "
                    + maxResponseBytes + "-byte limit");
        }
        if (e instanceof SSLException) {
            return new HostFunctionException("fetch failed: TLS with " + target.origin() + " failed: " + e.getMessage());
        }
        if (e instanceof ConnectException) { // HttpClient's message lists the addresses; the program needs none
            return new HostFunctionException("fetch failed: " + target.url() + ": the connection was refused");
        }
        // HttpClient wraps protocol errors (a malformed response, a header flood) with the cause's class name
        Throwable cause = e instanceof ClientProtocolException && e.getCause() != null ? e.getCause() : e;
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new HostFunctionException("fetch failed: " + target.url() + ": " + detail);
    }

    /** The rules that allow the request, in order; fails with the denial when there are none. */
    private List<EgressRule> authorize(String method, FetchTarget target, FetchTarget from) {
        List<EgressRule> matching = new ArrayList<>();
        for (EgressRule rule : rules) {
            if (rule.scheme().equals(target.scheme()) && hostMatches(rule, target.host())
                    && rule.effectivePort() == target.port() && target.rawPath().startsWith(rule.pathPrefix())
                    && rule.methods().contains(method)) {
                matching.add(rule);
            }
        }
        if (!matching.isEmpty()) {
            return matching;
        }
        String path = target.rawPath();
        String prefix = path.substring(0, path.lastIndexOf('/') + 1);
        throw new HostFunctionException("fetch denied: no codeact.egress rule allows " + method + " "
                + target.withoutQuery() + redirectNote(from) + "; add one like {scheme: " + target.scheme()
                + ", host: " + target.host() + ", port: " + target.port() + ", path-prefix: " + prefix
                + ", methods: [" + method + "]}");
    }

    /**
     * The resolver HttpClient gets for one hop. The first question looks the hop's host up and checks every
     * address against the hop's rules; every later one is answered with exactly those addresses, so HttpClient
     * connects where the check looked and the name is looked up once. It knows no other name.
     */
    private final class PinnedResolver implements DnsResolver {
        private final FetchTarget target;
        private final List<EgressRule> matching;
        private final FetchTarget from;
        private final FetchClock clock;
        private InetAddress[] pinned;

        PinnedResolver(FetchTarget target, List<EgressRule> matching, FetchTarget from, FetchClock clock) {
            this.target = target;
            this.matching = matching;
            this.from = from;
            this.clock = clock;
        }

        /** Looks the host up and checks it the first time; the same addresses every time. */
        synchronized InetAddress[] pin() {
            if (pinned == null) {
                pinned = resolveAndCheck(target, matching, from, clock);
            }
            return pinned.clone();
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (!host.equals(target.host())) {
                throw new UnknownHostException("fetch resolves only the checked host " + target.host());
            }
            return pin();
        }

        /** Asked only by Kerberos authentication, which fetch never does: not a lookup. */
        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    /** Resolves the host and checks every address; fails with the denial when one may not be reached. */
    private InetAddress[] resolveAndCheck(FetchTarget target, List<EgressRule> matching, FetchTarget from,
            FetchClock clock) {
        String host = target.host();
        if (SpecialAddresses.isMetadataName(host)) {
            throw new HostFunctionException("fetch denied: " + host + " is a cloud metadata service" + redirectNote(from)
                    + "; programs may never reach it by name");
        }
        InetAddress literal = SpecialAddresses.literal(host);
        InetAddress[] resolved = literal != null ? new InetAddress[] {literal} : lookUp(target, from, clock);
        for (InetAddress address : resolved) {
            String kind = SpecialAddresses.classify(address);
            if (kind != null && matching.stream().noneMatch(rule -> namesExplicitly(rule, address))) {
                String what = literal != null ? host + " is " + kind
                        : host + " resolves to " + SpecialAddresses.text(address) + ", " + kind;
                throw new HostFunctionException("fetch denied: " + what + redirectNote(from)
                        + "; loopback, private, link-local and metadata addresses are reachable only through a"
                        + " codeact.egress rule whose host is that address itself (or localhost, for loopback)");
            }
        }
        return resolved;
    }

    /**
     * The JDK resolver cannot be interrupted, so the lookup runs on a helper thread and the call stops waiting
     * when its time runs out; the lookup itself goes on until the resolver's own timeout, its answer unused.
     */
    private InetAddress[] lookUp(FetchTarget target, FetchTarget from, FetchClock clock) {
        String host = target.host();
        Future<InetAddress[]> lookup = LOOKUPS.submit(() -> resolver.resolve(host));
        InetAddress[] resolved;
        try {
            resolved = lookup.get(clock.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw clock.ranOut(target);
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new HostFunctionException("fetch interrupted: " + target.url());
        } catch (ExecutionException e) {
            throw new HostFunctionException("fetch failed: cannot resolve " + host + redirectNote(from));
        }
        if (resolved == null || resolved.length == 0) {
            throw new HostFunctionException("fetch failed: cannot resolve " + host + redirectNote(from));
        }
        return resolved;
    }

    private static boolean namesExplicitly(EgressRule rule, InetAddress address) {
        if (isWildcard(rule)) {
            return false;
        }
        if (rule.host().equals("localhost")) {
            return address.isLoopbackAddress();
        }
        InetAddress literal = SpecialAddresses.literal(rule.host());
        return literal != null && literal.equals(address);
    }

    private static boolean hostMatches(EgressRule rule, String host) {
        if (isWildcard(rule)) {
            String domain = rule.host().substring(1); // ".example.com"
            return host.endsWith(domain) && host.length() > domain.length() && SpecialAddresses.literal(host) == null;
        }
        String ruleHost = rule.host();
        if (ruleHost.startsWith("[") && ruleHost.endsWith("]")) {
            ruleHost = ruleHost.substring(1, ruleHost.length() - 1);
        }
        if (ruleHost.equals(host)) {
            return true;
        }
        InetAddress ruleLiteral = SpecialAddresses.literal(ruleHost);
        InetAddress hostLiteral = ruleLiteral == null ? null : SpecialAddresses.literal(host);
        return ruleLiteral != null && ruleLiteral.equals(hostLiteral);
    }

    private static boolean isWildcard(EgressRule rule) {
        return rule.host().startsWith("*.");
    }

    private static String redirectNote(FetchTarget from) {
        return from == null ? "" : " (a redirect from " + from.url() + ")";
    }

    private static List<Map.Entry<String, String>> requestHeaders(List<Map.Entry<String, String>> program,
            EgressRule rule) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        Set<String> injected = new java.util.HashSet<>();
        rule.headers().keySet().forEach(name -> injected.add(name.toLowerCase(Locale.ROOT)));
        boolean userAgent = false;
        boolean accept = false;
        for (Map.Entry<String, String> h : program) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (!injected.contains(lower)) {
                headers.add(h);
                userAgent |= lower.equals("user-agent");
                accept |= lower.equals("accept");
            }
        }
        for (Map.Entry<String, String> h : rule.headers().entrySet()) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            headers.add(h);
            userAgent |= lower.equals("user-agent");
            accept |= lower.equals("accept");
        }
        if (!userAgent) {
            headers.add(new AbstractMap.SimpleEntry<>("User-Agent", "codeact-fetch"));
        }
        if (!accept) {
            headers.add(new AbstractMap.SimpleEntry<>("Accept", "*/*"));
        }
        headers.add(new AbstractMap.SimpleEntry<>("Accept-Encoding", "identity"));
        return headers;
    }

    private static List<Map.Entry<String, String>> programHeaders(JsonNode node) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (node == null || node.isNull()) {
            return headers;
        }
        if (!node.isObject()) {
            throw new HostFunctionException("fetch: headers must be an object of name: value");
        }
        Map<String, String> byName = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            if (!TOKEN.matcher(name).matches()) {
                throw new HostFunctionException("fetch: '" + shorten(name) + "' is not a valid header name");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (DROPPED.contains(lower) || lower.startsWith("proxy-") || lower.startsWith("x-forwarded-")) {
                continue;
            }
            JsonNode v = e.getValue();
            String value = v == null || v.isNull() ? "" : v.isString() ? v.asString() : v.toString();
            if (!validValue(value)) {
                throw new HostFunctionException("fetch: the value of header '" + name
                        + "' has characters HTTP does not allow (line breaks, control characters or non-Latin-1)");
            }
            byName.put(name, value.strip());
        }
        byName.forEach((k, v) -> headers.add(new AbstractMap.SimpleEntry<>(k, v)));
        return headers;
    }

    private static boolean validValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || c == 0x7f || (c < 0x20 && c != '\t')) {
                return false;
            }
        }
        return true;
    }

    private String reply(EgressExchange.Head head, FetchTarget target, boolean redirected, byte[] body) {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", head.status());
        root.put("url", target.url());
        root.put("redirected", redirected);
        ObjectNode headers = root.putObject("headers");
        boolean decoded = EgressExchange.decodes(head);
        head.headers().forEach((name, values) -> {
            if (DROPPED_FROM_RESPONSE.contains(name)
                    || decoded && (name.equals("content-encoding") || name.equals("content-length"))) {
                return;
            }
            headers.put(name, String.join(", ", values));
        });
        root.put("body", new String(body, StandardCharsets.UTF_8));
        return JSON.writeValueAsString(root);
    }

    private static JsonNode parseArguments(String argumentsJson) {
        JsonNode args;
        try {
            args = JSON.readTree(argumentsJson == null ? "" : argumentsJson);
        } catch (JacksonException e) {
            throw new HostFunctionException("fetch: the arguments are not JSON: " + e.getOriginalMessage());
        }
        if (args == null || !args.isObject()) {
            throw new HostFunctionException("fetch: the arguments must be a JSON object {url, method, headers, body}");
        }
        return args;
    }

    private static String textField(JsonNode args, String name, String fallback) {
        JsonNode node = args.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isString()) {
            throw new HostFunctionException("fetch: " + name + " must be a string");
        }
        return node.asString();
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** Plain sockets that never go through a proxy: the connection goes to the checked address itself. */
    private static final class DirectSockets extends SocketFactory {
        @Override
        public Socket createSocket() {
            return new Socket(Proxy.NO_PROXY);
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException("egress connects only to checked addresses");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException("egress connects only to checked addresses");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException("egress connects through createSocket() and connect");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException("egress connects through createSocket() and connect");
        }
    }

    private static ThreadPoolExecutor lookups() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "codeact-fetch-dns");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private SSLSocketFactory tls() {
        return tls != null ? tls : (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
}
