package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.HostFunctionException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A URL a program asked for, checked and normalised: absolute http or https, a host, no user info, a port in
 * range, dot segments removed (and refused when they survive normalisation, so a path prefix cannot be escaped:
 * percent-encoded, even twice, with path parameters such as {@code ..;}, or hidden behind an encoded {@code /} or
 * a {@code \}), no encoded NUL, non-ASCII characters percent-encoded, the fragment dropped.
 *
 * @param scheme http or https
 * @param host lower-case host name or IP literal, IPv6 without brackets
 * @param port the port (the scheme's default when the URL has none)
 * @param rawPath the path as sent, never empty
 * @param rawQuery the query as sent, or null
 */
record FetchTarget(String scheme, String host, int port, String rawPath, String rawQuery) {

    static FetchTarget parse(String url) {
        return parse(url, null);
    }

    /** @param redirectFrom the URL whose Location this is, or null; failures then say so */
    static FetchTarget parse(String url, FetchTarget redirectFrom) {
        String where = redirectFrom == null ? "" : " (the Location of a redirect from " + redirectFrom.url() + ")";
        String shown = url.length() > 200 ? url.substring(0, 200) + "..." : url;
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new HostFunctionException("fetch: '" + shown + "'" + where + " is not a valid URL: " + e.getReason());
        }
        if (!uri.isAbsolute()) {
            throw new HostFunctionException("fetch: '" + shown + "'" + where
                    + " is a relative URL; fetch needs an absolute http:// or https:// URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HostFunctionException("fetch: unsupported URL scheme '" + scheme + "'" + where
                    + "; only http and https are supported");
        }
        if (uri.isOpaque()) {
            throw new HostFunctionException("fetch: '" + shown + "'" + where + " is not a valid URL: expected "
                    + scheme + "://host/path");
        }
        if (uri.getRawUserInfo() != null) {
            // the URL is not repeated: it holds credentials
            throw new HostFunctionException("fetch: URLs with user info (user:password@host) are not allowed" + where
                    + "; send credentials in a header, or let a codeact.egress rule add them");
        }
        if (uri.getHost() == null) {
            throw new HostFunctionException("fetch: '" + shown + "'" + where + " has no valid host"
                    + " (international domain names must be given in their xn-- form)");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort();
        if (port == -1) {
            port = scheme.equals("https") ? 443 : 80;
        } else if (port < 1 || port > 65535) {
            throw new HostFunctionException("fetch: port " + port + " in '" + shown + "'" + where + " is out of range");
        }
        URI ascii;
        try {
            ascii = new URI(uri.normalize().toASCIIString());
        } catch (URISyntaxException e) {
            throw new HostFunctionException("fetch: '" + shown + "'" + where + " is not a valid URL: " + e.getReason());
        }
        String rawPath = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        if (!rawPath.startsWith("/")) {
            throw new HostFunctionException("fetch: '" + shown + "'" + where + " has a path that does not start with /");
        }
        for (String segment : rawPath.split("/", -1)) {
            String decoded = decode(segment);
            if (decoded.indexOf('\0') >= 0) {
                throw new HostFunctionException("fetch: the path of '" + shown + "'" + where
                        + " has an encoded NUL (%00); give the path without it");
            }
            if (isDotSegment(decoded)) {
                throw new HostFunctionException("fetch: the path of '" + shown + "'" + where
                        + " has '.' or '..' segments (percent-encoded, with path parameters such as '..;', or above"
                        + " the root); give the path without them");
            }
        }
        return new FetchTarget(scheme, host, port, rawPath, ascii.getRawQuery());
    }

    /**
     * True when an upstream could read this (decoded) segment as {@code .} or {@code ..}: a path prefix is only as
     * good as the upstream's idea of the path. Tomcat, Jetty and Spring cut a segment at its first {@code ;} (path
     * parameters: {@code ..;jsessionid=1} is {@code ..}); some servers split at an encoded {@code /} or at
     * {@code \}; a C server stops at NUL (refused before this).
     */
    private static boolean isDotSegment(String decoded) {
        for (String part : decoded.split("[/\\\\]", -1)) {
            int semicolon = part.indexOf(';');
            String name = semicolon >= 0 ? part.substring(0, semicolon) : part;
            if (name.equals(".") || name.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Percent-decodes a raw segment, again while it still has escapes (at most three rounds), since a proxy and
     * the server behind it may each decode once ({@code %252e} is {@code .} to the second). Bytes become chars
     * one to one: only ASCII matters here, and a malformed escape stays as it is.
     */
    private static String decode(String raw) {
        String s = raw;
        for (int round = 0; round < 3 && s.indexOf('%') >= 0; round++) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo >= 0) {
                    out.append((char) (hi << 4 | lo));
                    i += 2;
                } else {
                    out.append(c);
                }
            }
            s = out.toString();
        }
        return s;
    }

    int defaultPort() {
        return scheme.equals("https") ? 443 : 80;
    }

    /** scheme://host:port, the port always given. */
    String origin() {
        return scheme + "://" + SpecialAddresses.urlHost(host) + ":" + port;
    }

    /** The URL without the query, the port always given: what denials name. */
    String withoutQuery() {
        return origin() + rawPath;
    }

    /** The URL as requested (default port left out). */
    String url() {
        return scheme + "://" + hostHeader() + requestTarget();
    }

    /** The request-target of the request line. */
    String requestTarget() {
        return rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
    }

    /** The Host header: the port only when it is not the scheme's default. */
    String hostHeader() {
        String h = SpecialAddresses.urlHost(host);
        return port == defaultPort() ? h : h + ":" + port;
    }

    boolean sameOrigin(FetchTarget other) {
        return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port;
    }

    /** The target a redirect's Location points at, relative to this one. */
    FetchTarget resolve(String location) {
        URI base;
        try {
            base = new URI(url());
            return parse(base.resolve(new URI(location.strip())).toString(), this);
        } catch (URISyntaxException e) {
            throw new HostFunctionException("fetch: the redirect from " + url() + " has an invalid Location: "
                    + e.getReason());
        }
    }
}
