package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.spring.json.CodeActJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fetch service: carries out a program's {@code fetch(url, {method, headers, body})} under the
 * {@link EgressRules}, which it asks before every hop (the request, each redirect, each address).
 *
 * <h2>How HttpClient is kept from resolving twice</h2>
 * The connection goes to exactly the addresses that were checked. The request goes through Apache
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
 * {@link EgressPolicy#describe()} or in any failure message. Redirects (301, 302, 303, 307, 308) are followed by this class,
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
final class FetchService {
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final EgressRules rules;
    private final Duration timeout;
    private final long maxResponseBytes;
    private final int maxRedirects;
    private final EgressPolicy.Resolver resolver;
    private final SocketFactory sockets;
    private final SSLSocketFactory tls;

    /** The limits are checked by {@link EgressPolicy}; {@code tls} null means the JDK's default factory. */
    FetchService(EgressRules rules, Duration timeout, long maxResponseBytes, int maxRedirects,
            EgressPolicy.Resolver resolver, SocketFactory sockets, SSLSocketFactory tls) {
        this.rules = rules;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
        this.maxRedirects = maxRedirects;
        this.resolver = resolver;
        this.sockets = sockets;
        this.tls = tls;
    }

    /** One fetch call, bounded by the smaller of the egress timeout and the time left to the execution. */
    String call(String argumentsJson, Deadline deadline) {
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
        if (!FetchHeaders.isToken(method)) {
            throw new HostFunctionException("fetch: '" + shorten(method) + "' is not a valid HTTP method");
        }
        JsonNode urlNode = args.get("url");
        if (urlNode == null || !urlNode.isString() || urlNode.asString().isBlank()) {
            throw new HostFunctionException("fetch: the URL is missing; call fetch(url, {method, headers, body})");
        }
        FetchTarget target = FetchTarget.parse(urlNode.asString());
        EgressRules.checkMethod(method);
        String body = args.hasNonNull("body") ? textField(args, "body", null) : null;
        if (body != null && (method.equals("GET") || method.equals("HEAD"))) {
            throw new HostFunctionException("fetch: a " + method + " request cannot have a body");
        }
        List<Map.Entry<String, String>> programHeaders = FetchHeaders.programHeaders(args.get("headers"));
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
            List<EgressRule> matching = rules.authorize(method, target, from);
            PinnedResolver pinned = new PinnedResolver(resolver, target, matching, from, clock);
            pinned.pin(); // the lookup and the checks, before anything connects
            byte[] bodyBytes = body != null ? body.getBytes(StandardCharsets.UTF_8)
                    : method.equals("POST") || method.equals("PUT") || method.equals("PATCH") ? new byte[0] : null;
            try (EgressExchange exchange = EgressExchange.send(target, pinned, clock, sockets, this::tls, method,
                    FetchHeaders.requestHeaders(programHeaders, matching.get(0)), bodyBytes)) {
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
                        programHeaders.removeIf(h -> FetchHeaders.BODY_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT)));
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

    private String reply(EgressExchange.Head head, FetchTarget target, boolean redirected, byte[] body) {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", head.status());
        root.put("url", target.url());
        root.put("redirected", redirected);
        ObjectNode headers = root.putObject("headers");
        boolean decoded = EgressExchange.decodes(head);
        head.headers().forEach((name, values) -> {
            if (FetchHeaders.returned(name, decoded)) {
                headers.put(name, String.join(", ", values));
            }
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

    static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private SSLSocketFactory tls() {
        return tls != null ? tls : (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
}
