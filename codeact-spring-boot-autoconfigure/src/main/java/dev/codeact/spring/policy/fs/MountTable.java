package dev.codeact.spring.policy.fs;

import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.spring.policy.fs.MountPolicy.Area;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a guest path leads, as a rule: the path parsed ({@link GuestPaths}: no dot segments, escapes or depth past
 * the limits), then mapped to the area (a mount, or /output) whose guest path is its longest prefix, and the names
 * below that area's root. Names of the temporary files writes use do not exist for programs. Pure: it opens nothing;
 * that the path stays inside the area on the host, links included, is checked when it is opened ({@link MountRoots},
 * {@link Beneath}).
 */
final class MountTable {
    static final String TEMP_PREFIX = ".codeact-";
    static final String TEMP_SUFFIX = ".tmp";

    private final List<Area> areas;
    private final String mountList;

    /** @param areas the mounts and /output, in the order the "no such mount" message lists them */
    MountTable(List<Area> areas) {
        StringBuilder list = new StringBuilder();
        for (Area area : areas) {
            list.append(list.length() == 0 ? "" : ", ").append(area.guestPath())
                    .append(area.writable() ? " (writable)" : " (read-only)");
        }
        this.mountList = list.toString();
        List<Area> sorted = new ArrayList<>(areas);
        sorted.sort(Comparator.comparingInt((Area a) -> a.segments().size()).reversed());
        this.areas = List.copyOf(sorted);
    }

    /**
     * A guest path mapped to its area.
     *
     * @param guest the normalised guest path, for messages
     * @param relative the names below the area's root
     */
    record Target(Area area, String guest, List<String> relative) {
        /** Whether the path uses a temporary file's name: such paths do not exist for programs. */
        boolean hidden() {
            return relative.stream().anyMatch(MountTable::isTempName);
        }

        /** The guest path of the first {@code count} names below the area. */
        String guestOf(int count) {
            List<String> all = new ArrayList<>(area.segments());
            all.addAll(relative.subList(0, Math.min(count, relative.size())));
            return GuestPaths.toString(all);
        }
    }

    /** The target of a guest path; fails, naming guest paths only, when it is malformed or outside every area. */
    Target resolve(String path) {
        List<String> segments = GuestPaths.parse(path, this::areaOf);
        Area area = areaOf(segments);
        if (area == null) {
            throw new HostFunctionException("no such mount: " + GuestPaths.toString(segments)
                    + " is outside the mounted directories; they are " + mountList);
        }
        return new Target(area, GuestPaths.toString(segments), segments.subList(area.segments().size(), segments.size()));
    }

    /** The area whose guest path is the longest prefix of {@code segments}, or null. */
    private Area areaOf(List<String> segments) {
        for (Area area : areas) { // longest guest paths first
            List<String> prefix = area.segments();
            if (segments.size() >= prefix.size() && segments.subList(0, prefix.size()).equals(prefix)) {
                return area;
            }
        }
        return null;
    }

    /** Whether a name is one of the temporary files writes go through: never listed, never reachable. */
    static boolean isTempName(String name) {
        return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
    }
}
