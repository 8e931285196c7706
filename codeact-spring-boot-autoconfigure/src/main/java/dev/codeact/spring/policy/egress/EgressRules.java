package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.spring.config.InvalidPropertyException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which requests programs may make with {@code fetch()}: the configured {@link EgressRule}s, how a request is matched
 * against them, and which addresses it may reach. A pure rule object: it makes no connection and looks nothing up
 * ({@link FetchService} does, and asks it at every step).
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
 * <h2>Addresses</h2>
 * The host name is resolved once ({@link FetchService} pins the answer for HttpClient). If any of its addresses is loopback, private (10/8, 172.16/12,
 * 192.168/16, 100.64/10, fc00::/7), link-local (169.254/16, fe80::/10), unspecified, multicast, reserved or a
 * cloud metadata address (169.254.169.254, fd00:ec2::254, 100.100.100.200, or the names metadata.google.internal
 * and metadata.goog), the request is refused unless a matching rule names that address literally, or the rule's
 * host is {@code localhost} and the address is a loopback one. A rule for {@code evil.example} therefore does not
 * let a program reach 127.0.0.1 because evil.example resolves there.
 */
final class EgressRules {
    private static final Set<String> NEVER = Set.of("CONNECT", "TRACE");
    private final List<EgressRule> rules;

    /** @throws InvalidPropertyException for a rule that could never match or would send a broken header */
    EgressRules(List<EgressRule> rules) {
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
        for (int i = 0; i < this.rules.size(); i++) {
            validate(this.rules.get(i), "codeact.egress.rules[" + i + "]");
        }
    }

    /** Whether no rule allows anything: fetch is not offered at all. */
    boolean isEmpty() {
        return rules.isEmpty();
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
            if (name == null || !FetchHeaders.isToken(name) || value == null || !FetchHeaders.validValue(value)) {
                throw new InvalidPropertyException(where + ".headers", "(not shown)", "has a header that is not a valid"
                        + " HTTP header (names are tokens; values have no line breaks, control or non-Latin-1 characters)",
                        "Fix the header's name or value.");
            }
            if (FetchHeaders.HOST_CONTROLLED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidPropertyException(where + ".headers", name, "cannot set the " + name
                        + " header: the host sets it for each request", "Remove the " + name + " header from the rule.");
            }
        });
    }

    /** Whether some rule has the host add headers (credentials) to the requests it allows. */
    boolean injectsCredentials() {
        return rules.stream().anyMatch(rule -> !rule.headers().isEmpty());
    }

    /** What fetch may reach, one entry per rule, without the headers the host injects. */
    String describeRules() {
        List<String> allowed = new ArrayList<>();
        for (EgressRule rule : rules) {
            StringBuilder r = new StringBuilder(String.join("|", rule.methods())).append(' ').append(rule.scheme())
                    .append("://").append(SpecialAddresses.urlHost(rule.host())).append(':').append(rule.effectivePort())
                    .append(rule.pathPrefix()).append("...");
            if (isWildcard(rule)) {
                r.append(" (subdomains only)");
            }
            if (!rule.headers().isEmpty()) {
                r.append(" (credentials added by the host)");
            }
            allowed.add(r.toString());
        }
        return String.join("; ", allowed);
    }

    /** Refuses the methods no rule can allow. */
    static void checkMethod(String method) {
        if (NEVER.contains(method)) {
            throw new HostFunctionException("fetch denied: " + method + " requests are never allowed");
        }
    }

    /** The rules that allow the request, in order; fails with the denial when there are none. */
    List<EgressRule> authorize(String method, FetchTarget target, FetchTarget from) {
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
     * Refuses a host that is a metadata service by name, before anything looks it up.
     */
    static void checkName(String host, FetchTarget from) {
        if (SpecialAddresses.isMetadataName(host)) {
            throw new HostFunctionException("fetch denied: " + host + " is a cloud metadata service" + redirectNote(from)
                    + "; programs may never reach it by name");
        }
    }

    /**
     * Checks every address a host resolved to (or is, for a literal) against the rules that matched the request;
     * fails with the denial when one is loopback, private, link-local, metadata or otherwise special and no matching
     * rule names it.
     */
    static void checkAddresses(String host, boolean literal, InetAddress[] resolved, List<EgressRule> matching,
            FetchTarget from) {
        for (InetAddress address : resolved) {
            String kind = SpecialAddresses.classify(address);
            if (kind != null && matching.stream().noneMatch(rule -> namesExplicitly(rule, address))) {
                String what = literal ? host + " is " + kind
                        : host + " resolves to " + SpecialAddresses.text(address) + ", " + kind;
                throw new HostFunctionException("fetch denied: " + what + redirectNote(from)
                        + "; loopback, private, link-local and metadata addresses are reachable only through a"
                        + " codeact.egress rule whose host is that address itself (or localhost, for loopback)");
            }
        }
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

    static String redirectNote(FetchTarget from) {
        return from == null ? "" : " (a redirect from " + from.url() + ")";
    }
}
