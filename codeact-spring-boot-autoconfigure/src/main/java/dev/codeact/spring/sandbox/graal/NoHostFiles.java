package dev.codeact.spring.sandbox.graal;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.Set;
import org.graalvm.polyglot.io.FileSystem;

/**
 * A file system with no files, whose working directory is {@code /}: what a GraalPy program sees of the host's disk.
 * {@code IOAccess.NONE} is not enough for GraalPy, whose standard library asks for the working directory (zoneinfo
 * does, through sysconfig), which without a file system is a host {@link SecurityException} the program cannot
 * catch; here it is {@code /}, and every file operation fails as a missing file (reads) or a denied one (writes), as
 * Python's {@code FileNotFoundError} / {@code PermissionError}. GraalPy's own standard library is read through {@link
 * FileSystem#allowInternalResourceAccess}.
 */
final class NoHostFiles implements FileSystem {
    private static final Path ROOT = Paths.get("/");

    /** GraalPy's file system: its language home and internal resources (read-only) and nothing else. */
    static FileSystem forGraalPy() {
        return FileSystem.allowInternalResourceAccess(new NoHostFiles());
    }

    @Override
    public Path parsePath(URI uri) {
        return Paths.get(uri.getPath() == null ? "/" : uri.getPath());
    }

    @Override
    public Path parsePath(String path) {
        return Paths.get(path);
    }

    @Override
    public Path toAbsolutePath(Path path) {
        return ROOT.resolve(path);
    }

    @Override
    public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
        throw new NoSuchFileException(path.toString());
    }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
        throw new NoSuchFileException(path.toString());
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        throw new NoSuchFileException(path.toString());
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        throw new NoSuchFileException(path.toString());
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        throw new NoSuchFileException(dir.toString());
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        throw new AccessDeniedException(dir.toString(), null, "the sandbox has no files");
    }

    @Override
    public void delete(Path path) throws IOException {
        throw new NoSuchFileException(path.toString());
    }
}
