package dev.codeact.spring.policy.fs;

import com.sun.jna.LastErrorException;
import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.spring.json.CodeActJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the fs operations meet the sandbox: each becomes a host function that parses its JSON arguments and turns
 * every failure into the message of the program's FileSystemError, naming guest paths only (the host calls' own
 * errors carry no paths, and are put in words here).
 */
final class FsErrors {
    private static final JsonMapper JSON = CodeActJson.MAPPER;

    private FsErrors() {
    }

    /** One fs operation on the parsed arguments, bounded by the execution's deadline. */
    interface Service {
        String call(JsonNode args, Deadline deadline);
    }

    /**
     * Parses the arguments and turns every failure into a {@link HostFunctionException} whose message names guest
     * paths only: a failed host call keeps only its reason.
     */
    static BoundedHostFunction service(String operation, Service service) {
        return (argumentsJson, deadline) -> {
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
                return service.call(args, deadline);
            } catch (HostFunctionException e) {
                throw e;
            } catch (LastErrorException e) {
                String path = args.path("path").isString() ? " " + GuestPaths.quote(args.path("path").stringValue()) : "";
                throw fail("fs." + operation + path + " failed: " + reason(e));
            } catch (RuntimeException e) {
                throw fail("fs." + operation + " failed: " + e.getClass().getSimpleName());
            }
        };
    }

    static HostFunctionException fail(String message) {
        return new HostFunctionException(message);
    }

    /** Why a host call failed, in words; the calls' errors carry no paths. */
    static String reason(LastErrorException e) {
        return switch (e.getErrorCode()) {
            case Posix.EACCES, Posix.EPERM -> "permission denied";
            case Posix.ENOENT -> "no such file or directory";
            case Posix.ENOTDIR -> "not a directory";
            case Posix.EISDIR -> "is a directory";
            case Posix.EEXIST -> "already exists";
            case Posix.ELOOP -> "too many levels of symbolic links";
            case Posix.EAGAIN -> "another writer keeps replacing a name on the path";
            case Posix.ENAMETOOLONG -> "file name too long";
            case Posix.ENOSPC -> "no space left on the device";
            case Posix.EDQUOT -> "the host's disk quota is exceeded";
            case Posix.EROFS -> "read-only file system";
            default -> "error " + e.getErrorCode();
        };
    }
}
