package dev.codeact.spring.policy.fs;

import dev.codeact.hyperlight.HostFunctionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths as programs write them: absolute, {@code /}-separated, in the guest's namespace. Parsing normalises
 * {@code .} and empty segments away and applies {@code ..} only while it stays inside the mount it started in;
 * it refuses what could be a trick on some other layer (backslashes, NUL and other control characters,
 * %-escapes), so the names handed to the host are always plain file names.
 *
 * <p>Paths are bounded: at most {@value #MAX_PATH_CHARS} characters as written, at most {@value #MAX_DEPTH} names
 * deep, each name at most {@value #MAX_NAME_BYTES} bytes of UTF-8 (Linux's NAME_MAX), the whole at most
 * {@value #MAX_PATH_BYTES} bytes (PATH_MAX less its NUL). Real directory trees are rarely deeper than a dozen; a
 * path hundreds of names deep is an attack on the host (a write creates every missing directory on its way).
 */
final class GuestPaths {
    static final int MAX_PATH_CHARS = 4096;
    static final int MAX_DEPTH = 32;
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_PATH_BYTES = 4095;

    private GuestPaths() {
    }

    /**
     * The normalised segments of {@code raw}.
     *
     * @param mountOf finds the area a list of segments lies in (longest prefix), or null
     * @throws HostFunctionException with a message naming guest paths only
     */
    static List<String> parse(String raw, java.util.function.Function<List<String>, MountPolicy.Area> mountOf) {
        if (raw.isEmpty()) {
            throw new HostFunctionException("the path is empty");
        }
        if (raw.length() > MAX_PATH_CHARS) {
            throw new HostFunctionException("the path is longer than " + MAX_PATH_CHARS + " characters");
        }
        String bad = invalidCharacter(raw);
        if (bad != null) {
            throw new HostFunctionException("path " + quote(raw) + " contains " + bad + "; paths are plain absolute"
                    + " paths with / between names");
        }
        if (hasPercentEscape(raw)) {
            throw new HostFunctionException("path " + quote(raw) + " contains a %-escape; paths are not URL-encoded,"
                    + " write the names as they are");
        }
        if (!raw.startsWith("/")) {
            throw new HostFunctionException("path " + quote(raw) + " is not absolute; paths start with /, e.g. /output/"
                    + raw);
        }
        List<String> stack = new ArrayList<>();
        for (String segment : raw.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                MountPolicy.Area area = mountOf.apply(stack);
                if (area == null) {
                    throw new HostFunctionException("path " + quote(raw) + " uses '..' outside any mount");
                }
                if (stack.size() <= area.segments().size()) {
                    throw new HostFunctionException("path " + quote(raw) + " escapes mount " + area.guestPath()
                            + ": '..' may not go above a mount's root");
                }
                stack.remove(stack.size() - 1);
                continue;
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw new HostFunctionException("path " + quote(raw) + " has a name longer than " + MAX_NAME_BYTES
                        + " bytes");
            }
            stack.add(segment);
            if (stack.size() > MAX_DEPTH) {
                throw new HostFunctionException("path " + quote(raw) + " is too deep: paths may have at most " + MAX_DEPTH
                        + " names");
            }
        }
        if (toString(stack).getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new HostFunctionException("path " + quote(raw) + " is longer than " + MAX_PATH_BYTES + " bytes");
        }
        return stack;
    }

    static String toString(List<String> segments) {
        return "/" + String.join("/", segments);
    }

    /** A description of the first character that has no place in a path, or null. */
    static String invalidCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "a NUL character";
            }
            if (c == '\\') {
                return "a backslash";
            }
            if (c < 0x20 || c == 0x7f) {
                return "a control character";
            }
        }
        return null;
    }

    /** Whether {@code s} contains {@code %} followed by two hex digits, such as %2e or %2F. */
    static boolean hasPercentEscape(String s) {
        for (int i = s.indexOf('%'); i >= 0 && i + 2 < s.length(); i = s.indexOf('%', i + 1)) {
            if (Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The path as the program gave it, in quotes, shortened when long, control characters shown as '?'. */
    static String quote(String raw) {
        String shown = raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
        StringBuilder s = new StringBuilder(shown.length() + 2).append('\'');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            s.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.append('\'').toString();
    }
}
