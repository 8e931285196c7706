package dev.codeact.spring.policy.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Addresses and names programs may not reach through a rule that merely matches the host name: loopback,
 * private, link-local, unspecified, multicast, reserved and cloud-metadata ones. IPv4 addresses embedded in
 * IPv6 ones (IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by the IPv4 address;
 * IPv4-mapped ones already come back from {@link InetAddress} as IPv4.
 */
final class SpecialAddresses {
    private static final Pattern IPV4_LITERAL = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog");

    private SpecialAddresses() {
    }

    /**
     * What kind of special address this is ("a loopback address"), or null when it is an ordinary public one.
     */
    static String classify(InetAddress address) {
        if (address instanceof Inet4Address) {
            return classify4(address.getAddress());
        }
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return "an unrecognised address";
        }
        if (isMetadata6(b)) {
            return "a cloud metadata address";
        }
        if (address.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return "a private address";
        }
        if (address.isSiteLocalAddress()) { // fec0::/10, deprecated site-local
            return "a private address";
        }
        byte[] embedded = embeddedIpv4(b);
        if (embedded != null) {
            String kind = classify4(embedded);
            return kind == null ? null : kind + " (IPv4 inside IPv6)";
        }
        return null;
    }

    /** True for host names that name a cloud metadata service whatever they resolve to. */
    static boolean isMetadataName(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return METADATA_NAMES.contains(h.toLowerCase(Locale.ROOT));
    }

    /**
     * The address a host string denotes when it is an IP literal (dotted-quad IPv4, or IPv6 with or without
     * brackets), else null. Never looks anything up.
     */
    static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            if (IPV4_LITERAL.matcher(h).matches()) {
                String[] parts = h.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    bytes[i] = (byte) Integer.parseInt(parts[i]);
                }
                return InetAddress.getByAddress(bytes);
            }
            // with a colon and a leading hex digit or colon, InetAddress parses an IPv6 literal (or fails) and never
            // resolves a name
            if (h.indexOf(':') >= 0 && h.matches("[0-9A-Fa-f:][0-9A-Za-z:.%_-]*")) {
                return InetAddress.getByName(h);
            }
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static String classify4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        int b3 = a[3] & 0xff;
        if (b0 == 169 && b1 == 254 && b2 == 169 && b3 == 254) {
            return "a cloud metadata address";
        }
        if (b0 == 100 && b1 == 100 && b2 == 100 && b3 == 200) { // Alibaba Cloud's metadata service
            return "a cloud metadata address";
        }
        if (b0 == 0) {
            return "an unspecified address";
        }
        if (b0 == 127) {
            return "a loopback address";
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
            return "a private address";
        }
        if (b0 == 169 && b1 == 254) {
            return "a link-local address";
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return "a private (carrier-grade NAT) address";
        }
        if (b0 == 192 && b1 == 0 && b2 == 0) {
            return "a reserved address";
        }
        if (b0 == 198 && (b1 & 0xfe) == 18) {
            return "a reserved (benchmarking) address";
        }
        if (b0 >= 224 && b0 <= 239) {
            return "a multicast address";
        }
        if (b0 >= 240) {
            return "a reserved address";
        }
        return null;
    }

    private static boolean isMetadata6(byte[] b) {
        // fd00:ec2::254 (AWS's IPv6 metadata endpoint)
        byte[] aws = {(byte) 0xfd, 0x00, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return java.util.Arrays.equals(b, aws);
    }

    private static byte[] embeddedIpv4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 12; i++) {
            zeroPrefix &= b[i] == 0;
        }
        if (zeroPrefix) { // IPv4-compatible ::a.b.c.d
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        if (nat64) { // 64:ff9b::a.b.c.d
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b[0] == 0x20 && b[1] == 0x02) { // 6to4 2002:aabb:ccdd::
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        return null;
    }

    /** The address as a URL host: IPv6 in brackets. */
    static String urlHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Inet6Address text without the scope, for messages. */
    static String text(InetAddress address) {
        String s = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int pct = s.indexOf('%');
            return pct >= 0 ? s.substring(0, pct) : s;
        }
        return s;
    }
}
