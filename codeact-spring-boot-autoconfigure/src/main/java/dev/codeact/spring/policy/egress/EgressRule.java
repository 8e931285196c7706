package dev.codeact.spring.policy.egress;

import dev.codeact.spring.config.InvalidPropertyException;
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
    /** A rule's property prefix; "[]" stands for its index, which the failure analyzer fills in. */
    static final String ENTRY = "codeact.egress.rules[]";

    public EgressRule {
        scheme = scheme == null || scheme.isBlank() ? "https" : scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidPropertyException(ENTRY + ".scheme", scheme, "must be http or https",
                    "Set the rule's scheme to https (or http).");
        }
        if (host == null || host.isBlank()) {
            throw new InvalidPropertyException(ENTRY + ".host", "", "is missing",
                    "Give the rule a host: an exact name or address (api.example.com), or *.example.com for any subdomain.");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (port != null && (port < 1 || port > 65535)) {
            throw new InvalidPropertyException(ENTRY + ".port", port, "must be 1-65535",
                    "Set the rule's port, or leave it out for the scheme's default.");
        }
        pathPrefix = pathPrefix == null || pathPrefix.isBlank() ? "/" : pathPrefix;
        methods = methods == null || methods.isEmpty() ? List.of("GET")
                : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        for (String m : methods) {
            if (m.equals("CONNECT") || m.equals("TRACE")) {
                throw new InvalidPropertyException(ENTRY + ".methods", m, "can never be allowed",
                        "Remove " + m + " from the rule's methods.");
            }
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The port this rule allows. */
    public int effectivePort() {
        return port != null ? port : scheme.equals("https") ? 443 : 80;
    }
}
