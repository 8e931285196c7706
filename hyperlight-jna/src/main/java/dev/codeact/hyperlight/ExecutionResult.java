package dev.codeact.hyperlight;

import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of one program.
 *
 * @param stdout what console.log/info/debug printed, up to the cap
 * @param stdoutTruncated true when stdout was cut at the cap
 * @param stderr what console.warn/error printed, up to the cap
 * @param stderrTruncated true when stderr was cut at the cap
 * @param resultJson the program's return value as JSON ({@code null} when it returned nothing or failed)
 * @param error why it failed, or null on success
 * @param duration wall-clock time from the start of the execution to its end
 * @param hostCalls number of host calls the program made, refused ones included
 */
public record ExecutionResult(
        String stdout, boolean stdoutTruncated,
        String stderr, boolean stderrTruncated,
        String resultJson, ExecutionError error,
        Duration duration, int hostCalls) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public boolean success() {
        return error == null;
    }

    public static ExecutionResult failure(ExecutionError error, Duration duration) {
        return new ExecutionResult("", false, "", false, null, error, duration, 0);
    }

    /** The whole result as one compact JSON object, in the library's own words ({@link HostCallWording#GENERIC}). */
    public String toJson() {
        return toJson(HostCallWording.GENERIC);
    }

    /** The whole result as one compact JSON object, the error type and the call count named as {@code wording} says. */
    public String toJson(HostCallWording wording) {
        ObjectNode root = JSON.createObjectNode();
        root.put("success", success());
        root.put("stdout", stdout);
        root.put("stdoutTruncated", stdoutTruncated);
        root.put("stderr", stderr);
        root.put("stderrTruncated", stderrTruncated);
        root.set("result", resultJson == null ? JSON.nullNode() : JSON.readTree(resultJson));
        if (error == null) {
            root.putNull("error");
        } else {
            ObjectNode e = root.putObject("error");
            e.put("type", wording.typeName(error.type()));
            e.put("message", error.message());
            if (error.name() != null) {
                e.put("name", error.name());
            }
            if (error.stack() != null) {
                e.put("stack", error.stack());
            }
        }
        root.put("durationMs", duration.toNanos() / 1e6);
        root.put(wording.callsField(), hostCalls);
        return JSON.writeValueAsString(root);
    }
}
