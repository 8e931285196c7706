package dev.codeact.spring.policy.egress;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One allowed kind of request from programs. A request is allowed when some rule matches all of its
 * fields. Loopback, private, link-local and cloud-metadata addresses are refused unless the rule's host is
 * that address itself (or {@code localhost}): a host name that merely resolves there is not enough.
 *
 * @param scheme http or https
 * @param host an exact host name or IP literal, or {@code *.example.com} for any subdomain of example.com
 * @param port the port, or null for the scheme's default
 * @param pathPrefix requests must have a path starting with this
 * @param methods allowed HTTP methods (CONNECT and TRACE are never allowed)
 * @param headers headers the host adds to matching requests (credentials stay outside the sandbox)
 */
public record EgressRule(String scheme, String host, Integer port, String pathPrefix, List<String> methods,
        Map<String, String> headers) {

    public EgressRule {
        scheme = scheme == null || scheme.isBlank() ? "https" : scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("codeact.egress rule scheme must be http or https, was " + scheme);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("codeact.egress rule needs a host (exact, or *.domain)");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("codeact.egress rule port must be 1-65535, was " + port);
        }
        pathPrefix = pathPrefix == null || pathPrefix.isBlank() ? "/" : pathPrefix;
        methods = methods == null || methods.isEmpty() ? List.of("GET")
                : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        for (String m : methods) {
            if (m.equals("CONNECT") || m.equals("TRACE")) {
                throw new IllegalArgumentException("codeact.egress rules can never allow " + m);
            }
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The port this rule allows. */
    public int effectivePort() {
        return port != null ? port : scheme.equals("https") ? 443 : 80;
    }
}
