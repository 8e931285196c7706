package dev.codeact.spring.policy.fs;

import dev.codeact.hyperlight.HostFunction;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.policy.fs.MountPolicy.Area;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The file system of one execution: the policy's mounts plus a fresh private directory backing {@code /output}.
 * {@link #register} adds the host services behind the program's {@code fs} object; after the execution,
 * {@link #outputFiles()} lists what the program left in /output, and {@link #close()} deletes that directory.
 *
 * <p>Every path goes through the same steps: parsed as a guest path ({@link GuestPaths}), mapped to the mount
 * with the longest matching prefix, then resolved on the host, where each symbolic link on the way, and the
 * deepest existing part of the path, must lead to a real path inside the mount's real root. Programs cannot
 * create links, so the links are the host's own; a link that leads outside the mount is refused, one inside is
 * followed. Every error message names guest paths only.
 *
 * <p>Writes go to a hidden temporary file ({@code .codeact-<random>.tmp}) in the target's directory, which is
 * then renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}: a program stopped in the middle of a
 * write leaves the old file or the new one, never part of one, and the temporary file is removed when the write
 * fails. Temporary names are never listed, and paths using them are refused.
 */
public final class FileSession implements AutoCloseable {
    /** The largest file {@code fs.readFile} reads. */
    public static final long MAX_READ_BYTES = 8L << 20;
    static final String TEMP_PREFIX = ".codeact-";
    static final String TEMP_SUFFIX = ".tmp";
    static final String READ_FILE = "codeact.fs.readFile";
    static final String WRITE_FILE = "codeact.fs.writeFile";
    static final String READDIR = "codeact.fs.readdir";
    static final String STAT = "codeact.fs.stat";
    static final String EXISTS = "codeact.fs.exists";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SNIFF_BYTES = 8192;

    private final List<Area> areas;
    private final Area output;
    private final int inlineTextBytes;
    private final String mountList;
    private volatile boolean closed;

    FileSession(List<Area> mounts, long outputQuotaBytes, int inlineTextBytes) throws IOException {
        Path dir = Files.createTempDirectory("codeact-output-");
        this.output = new Area(MountPolicy.OUTPUT, List.of(MountPolicy.OUTPUT.substring(1)), dir.toRealPath(), true,
                outputQuotaBytes);
        List<Area> all = new ArrayList<>(mounts);
        all.add(output);
        StringBuilder list = new StringBuilder();
        for (Area area : all) {
            list.append(list.length() == 0 ? "" : ", ").append(area.guestPath())
                    .append(area.writable() ? " (writable)" : " (read-only)");
        }
        this.mountList = list.toString();
        all.sort(Comparator.comparingInt((Area a) -> a.segments().size()).reversed());
        this.areas = List.copyOf(all);
        this.inlineTextBytes = inlineTextBytes;
    }

    /** Registers the five {@code codeact.fs.*} services behind the program's {@code fs} object. */
    public void register(HostFunctions.Builder builder) {
        builder.service(READ_FILE, service("readFile", this::readFile))
                .service(WRITE_FILE, service("writeFile", this::writeFile))
                .service(READDIR, service("readdir", this::readdir))
                .service(STAT, service("stat", this::stat))
                .service(EXISTS, service("exists", this::exists));
    }

    /**
     * The files the program left under /output, recursively, sorted by name.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public List<OutputFile> outputFiles() {
        if (closed) {
            throw new IllegalStateException("the file session is closed");
        }
        List<OutputFile> files = new ArrayList<>();
        Path root = output.root();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !isTempName(file.getFileName().toString())) {
                        StringBuilder name = new StringBuilder();
                        for (Path part : root.relativize(file)) {
                            name.append(name.length() == 0 ? "" : "/").append(part);
                        }
                        files.add(describeOutput(file, name.toString(), attrs.size()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("could not list /output: " + reason(e), e);
        }
        files.sort(Comparator.comparing(OutputFile::name));
        return List.copyOf(files);
    }

    /** Deletes /output and everything in it; the services fail from now on. Idempotent. */
    @Override
    public void close() {
        closed = true;
        synchronized (output.lock()) {
            deleteTree(output.root());
        }
    }

    /** The host directory behind /output, for tests. */
    Path outputRoot() {
        return output.root();
    }

    // ---------------------------------------------------------------- the services

    private String readFile(JsonNode args) throws IOException {
        Target t = target(args);
        Resolved r = resolve(t);
        if (!r.exists()) {
            throw fail("no such file: " + t.guest());
        }
        BasicFileAttributes attrs = Files.readAttributes(r.real(), BasicFileAttributes.class);
        if (attrs.isDirectory()) {
            throw fail("is a directory: " + t.guest() + " (use fs.readdir)");
        }
        if (!attrs.isRegularFile()) {
            throw fail("not a regular file: " + t.guest());
        }
        if (attrs.size() > MAX_READ_BYTES) {
            throw fail(tooLarge(t.guest(), attrs.size()));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(r.real())) {
            bytes = in.readNBytes((int) MAX_READ_BYTES + 1);
        }
        if (bytes.length > MAX_READ_BYTES) {
            throw fail(tooLarge(t.guest(), bytes.length));
        }
        String text = utf8(bytes);
        if (text == null) {
            throw fail(t.guest() + " is not UTF-8 text; fs.readFile reads text files only");
        }
        return JSON.writeValueAsString(text);
    }

    private String writeFile(JsonNode args) throws IOException {
        Target t = target(args);
        JsonNode contentNode = args.get("content");
        if (contentNode == null || !contentNode.isString()) {
            throw fail("fs.writeFile(path, content) needs the content as a string");
        }
        if (!t.area().writable()) {
            throw fail("read-only mount " + t.area().guestPath() + ": cannot write " + t.guest());
        }
        if (t.relative().isEmpty()) {
            throw fail("is a directory: " + t.guest());
        }
        for (String name : t.relative()) {
            if (isTempName(name)) {
                throw fail("cannot write " + t.guest() + ": names starting with " + TEMP_PREFIX + " and ending with "
                        + TEMP_SUFFIX + " are reserved");
            }
        }
        byte[] bytes = contentNode.stringValue().getBytes(StandardCharsets.UTF_8);
        Area area = t.area();
        synchronized (area.lock()) {
            if (closed) {
                throw fail("the file session is closed");
            }
            Resolved r = resolve(t);
            if (r.dangling()) {
                throw fail("cannot write " + t.guest() + ": it goes through a symbolic link whose target does not exist");
            }
            Path target;
            Path dir;
            long replaced = 0;
            if (r.missing().isEmpty()) {
                BasicFileAttributes attrs = Files.readAttributes(r.real(), BasicFileAttributes.class);
                if (attrs.isDirectory()) {
                    throw fail("is a directory: " + t.guest());
                }
                if (!attrs.isRegularFile()) {
                    throw fail("not a regular file: " + t.guest());
                }
                target = r.real();
                dir = target.getParent();
                replaced = attrs.size();
            } else {
                if (!Files.isDirectory(r.real())) {
                    throw fail("not a directory: " + r.existingGuest());
                }
                dir = r.real();
                for (String name : r.missing().subList(0, r.missing().size() - 1)) {
                    dir = dir.resolve(name);
                }
                target = dir.resolve(r.missing().get(r.missing().size() - 1));
            }
            long after = usage(area.root()) - replaced + bytes.length;
            if (after > area.quotaBytes()) {
                throw fail("quota exceeded: writing " + bytes.length + " bytes to " + t.guest() + " would bring "
                        + area.guestPath() + " to " + after + " bytes, its quota is " + area.quotaBytes() + " bytes ("
                        + MountPolicy.formatSize(area.quotaBytes()) + ")");
            }
            if (!r.missing().isEmpty()) {
                try {
                    Files.createDirectories(dir);
                } catch (FileAlreadyExistsException e) {
                    throw fail("cannot write " + t.guest() + ": a parent is not a directory");
                }
            }
            atomicWrite(t.guest(), dir, target, bytes, r.missing().isEmpty());
        }
        return "null";
    }

    private String readdir(JsonNode args) throws IOException {
        Target t = target(args);
        Resolved r = resolve(t);
        if (!r.exists()) {
            throw fail("no such directory: " + t.guest());
        }
        if (!Files.isDirectory(r.real())) {
            throw fail("not a directory: " + t.guest());
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(r.real())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!isTempName(name)) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return JSON.writeValueAsString(names);
    }

    private String stat(JsonNode args) throws IOException {
        Target t = target(args);
        Resolved r = resolve(t);
        if (!r.exists()) {
            throw fail("no such file or directory: " + t.guest());
        }
        BasicFileAttributes attrs = Files.readAttributes(r.real(), BasicFileAttributes.class);
        ObjectNode stat = JSON.createObjectNode();
        stat.put("size", attrs.size());
        stat.put("isFile", attrs.isRegularFile());
        stat.put("isDirectory", attrs.isDirectory());
        stat.put("modifiedMs", attrs.lastModifiedTime().toMillis());
        return JSON.writeValueAsString(stat);
    }

    private String exists(JsonNode args) {
        Target t = target(args);
        return resolve(t).exists() ? "true" : "false";
    }

    // ---------------------------------------------------------------- paths

    /**
     * A guest path mapped to its area.
     *
     * @param guest the normalised guest path, for messages
     * @param relative the names below the area's root
     */
    private record Target(Area area, String guest, List<String> relative) {
    }

    /**
     * Where a target is on the host.
     *
     * @param real the real path of the deepest existing part of the target, inside the area's real root
     * @param missing the names after that part which do not exist (empty when the target exists)
     * @param dangling whether the walk stopped at a symbolic link whose target does not exist
     * @param existingGuest the guest path of the deepest existing part
     */
    private record Resolved(Path real, List<String> missing, boolean dangling, String existingGuest) {
        boolean exists() {
            return missing.isEmpty() && !dangling;
        }
    }

    private Target target(JsonNode args) {
        if (closed) {
            throw fail("the file session is closed");
        }
        JsonNode path = args.get("path");
        if (path == null || !path.isString()) {
            throw fail("the path must be a string");
        }
        List<String> segments = GuestPaths.parse(path.stringValue(), this::areaOf);
        Area area = areaOf(segments);
        if (area == null) {
            throw fail("no such mount: " + GuestPaths.toString(segments) + " is outside the mounted directories; they are "
                    + mountList);
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

    /**
     * Walks the target down from the area's root. Each symbolic link on the way must lead inside the root, and so
     * must the deepest existing part; otherwise the path is refused (even by exists).
     */
    private Resolved resolve(Target t) {
        Path root = t.area().root();
        if (!Files.isDirectory(root)) {
            throw fail(t.area() == output ? "the file session is closed" : "mount " + t.area().guestPath() + " is unavailable");
        }
        List<String> names = t.relative();
        Path current = root;
        int i = 0;
        boolean dangling = false;
        for (; i < names.size(); i++) {
            String name = names.get(i);
            if (isTempName(name)) {
                break;
            }
            Path next = current.resolve(name);
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                break;
            }
            if (Files.isSymbolicLink(next)) {
                Path real;
                try {
                    real = next.toRealPath();
                } catch (NoSuchFileException e) {
                    dangling = true;
                    break;
                } catch (IOException e) {
                    throw fail("cannot resolve " + guestOf(t, i + 1) + ": " + reason(e));
                }
                if (!real.startsWith(root)) {
                    throw fail("refused: " + guestOf(t, i + 1) + " is a symbolic link that leads outside mount "
                            + t.area().guestPath());
                }
            }
            current = next;
        }
        Path real;
        try {
            real = current.toRealPath();
        } catch (IOException e) {
            throw fail("cannot resolve " + guestOf(t, i) + ": " + reason(e));
        }
        if (!real.startsWith(root)) {
            throw fail("refused: " + guestOf(t, i) + " leads outside mount " + t.area().guestPath());
        }
        return new Resolved(real, names.subList(i, names.size()), dangling, guestOf(t, i));
    }

    /** The guest path of the target's first {@code count} names below its area. */
    private static String guestOf(Target t, int count) {
        List<String> all = new ArrayList<>(t.area().segments());
        all.addAll(t.relative().subList(0, count));
        return GuestPaths.toString(all);
    }

    static boolean isTempName(String name) {
        return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
    }

    // ---------------------------------------------------------------- host files

    /**
     * Writes {@code bytes} to a new temporary file in {@code dir} and renames it over {@code target} atomically.
     * On any failure, interruption included, the temporary file is removed and the target is untouched.
     */
    private void atomicWrite(String guest, Path dir, Path target, byte[] bytes, boolean replacing) throws IOException {
        Path temp = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            temp = dir.resolve(TEMP_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
        boolean moved = false;
        try {
            try (FileChannel out = channel) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            if (replacing) {
                copyPermissions(target, temp);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (ClosedByInterruptException e) {
            throw fail("the write to " + guest + " was interrupted; the file was not changed");
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // nothing more to do: the name is never listed
                }
            }
        }
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file keeps the default permissions
        }
    }

    /** What the area's regular files take, links not followed. */
    private static long usage(Path root) throws IOException {
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private OutputFile describeOutput(Path file, String name, long size) {
        String mediaType = MediaTypes.byName(file.getFileName().toString());
        try {
            if (mediaType == null) {
                mediaType = looksLikeText(file) ? MediaTypes.TEXT_PLAIN : MediaTypes.OCTET_STREAM;
            }
            String content = null;
            if (MediaTypes.isText(mediaType) && size <= inlineTextBytes) {
                content = utf8(Files.readAllBytes(file));
            }
            return new OutputFile(name, size, mediaType, content);
        } catch (IOException e) {
            return new OutputFile(name, size, mediaType == null ? MediaTypes.OCTET_STREAM : mediaType, null);
        }
    }

    /** Whether the file's first bytes are UTF-8 without NUL characters (a sequence cut at the end is allowed). */
    private static boolean looksLikeText(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult result = decoder.decode(ByteBuffer.wrap(head), CharBuffer.allocate(head.length), false);
        return !result.isError();
    }

    /** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: what remains is in the system's temporary directory
        }
    }

    // ---------------------------------------------------------------- errors

    private interface Service {
        String call(JsonNode args) throws IOException;
    }

    /**
     * Parses the arguments and turns every failure into a {@link HostFunctionException} whose message names guest
     * paths only: the messages of Java's file exceptions carry host paths, so only their reason is kept.
     */
    private static HostFunction service(String operation, Service service) {
        return argumentsJson -> {
            JsonNode args;
            try {
                args = JSON.readTree(argumentsJson == null ? "" : argumentsJson);
            } catch (JacksonException e) {
                throw fail("fs." + operation + ": the arguments are not JSON");
            }
            if (args == null || !args.isObject()) {
                throw fail("fs." + operation + ": the arguments must be a JSON object");
            }
            try {
                return service.call(args);
            } catch (HostFunctionException e) {
                throw e;
            } catch (IOException e) {
                String path = args.path("path").isString() ? " " + GuestPaths.quote(args.path("path").stringValue()) : "";
                throw fail("fs." + operation + path + " failed: " + reason(e));
            } catch (RuntimeException e) {
                throw fail("fs." + operation + " failed: " + e.getClass().getSimpleName());
            }
        };
    }

    private static HostFunctionException fail(String message) {
        return new HostFunctionException(message);
    }

    private static String tooLarge(String guest, long size) {
        return "file " + guest + " is " + size + " bytes, larger than the " + MountPolicy.formatSize(MAX_READ_BYTES)
                + " fs.readFile limit";
    }

    /** Why an IO operation failed, without the host paths Java puts in the exception's message. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof ClosedByInterruptException) {
            return "interrupted";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getClass().getSimpleName();
    }
}
