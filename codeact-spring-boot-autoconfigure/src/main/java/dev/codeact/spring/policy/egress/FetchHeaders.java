package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.HostFunctionException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The headers of a fetch: which of the program's go out, which the host sets or adds (the matching rule's, which
 * replace the program's of the same name), and which of the response's come back.
 *
 * <p>Hop-by-hop headers (connection, keep-alive, proxy-authenticate, proxy-authorization, te, trailer,
 * transfer-encoding, upgrade), proxy headers (proxy-*, forwarded, x-forwarded-*, via, x-real-ip), host,
 * content-length, expect and accept-encoding are dropped from the program's request. A request says
 * {@code Accept-Encoding: identity}; a response decoded on the way in loses its content-encoding and
 * content-length.
 */
final class FetchHeaders {
    /** Headers the host sets for each request: a rule may not set them. */
    static final Set<String> HOST_CONTROLLED = Set.of("host", "content-length", "connection", "keep-alive",
            "transfer-encoding", "te", "trailer", "upgrade", "expect", "accept-encoding");
    /** Headers about the body, dropped when a redirect turns the request into a GET without it. */
    static final Set<String> BODY_HEADERS = Set.of("content-type", "content-encoding", "content-language",
            "content-location");
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "forwarded", "via", "x-real-ip",
            "host", "content-length", "expect", "accept-encoding");
    private static final Set<String> DROPPED_FROM_RESPONSE = Set.of("connection", "keep-alive", "transfer-encoding");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private FetchHeaders() {
    }

    static boolean isToken(String s) {
        return TOKEN.matcher(s).matches();
    }

    /** Whether a response header goes back to the program ({@code decoded}: the body was decoded here). */
    static boolean returned(String name, boolean decoded) {
        return !DROPPED_FROM_RESPONSE.contains(name)
                && !(decoded && (name.equals("content-encoding") || name.equals("content-length")));
    }

    /** The request's headers: the program's, the rule's in place of the program's of the same name, and the defaults. */
    static List<Map.Entry<String, String>> requestHeaders(List<Map.Entry<String, String>> program,
            EgressRule rule) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        Set<String> injected = new HashSet<>();
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

    /** The program's headers, checked, without those the host drops. */
    static List<Map.Entry<String, String>> programHeaders(JsonNode node) {
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
                throw new HostFunctionException("fetch: '" + FetchService.shorten(name) + "' is not a valid header name");
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

    static boolean validValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || c == 0x7f || (c < 0x20 && c != '\t')) {
                return false;
            }
        }
        return true;
    }
}
