package dev.codeact.spring.advisor;

import dev.codeact.spring.session.PendingApproval;
import dev.codeact.spring.json.CodeActJson;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.spring.policy.fs.OutputFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What execute_code answers the model: compact JSON, at most {@code maxBytes} of UTF-8. When the full answer
 * is longer, the contents of /output files are dropped first (their names stay), then stdout and stderr are cut
 * (their beginnings kept), then the result is replaced by a preview; {@code truncated} plus a {@code note} say so.
 */
public final class AnswerFormat {
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final String NOTE = "cut to fit the %d-byte answer limit; to see the rest, return or print less"
            + " (aggregate, filter or select fields in the program), or write the full data to a file in /output, which"
            + " reaches the application whole";
    private final int maxBytes;

    public AnswerFormat(int maxBytes) {
        if (maxBytes < 256) {
            throw new IllegalArgumentException("the answer limit must be at least 256 bytes, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public String format(ExecutionResult r) {
        return format(r, List.of());
    }

    /** As {@link #format(ExecutionResult)}, listing the program's /output files with small text files' content. */
    public String format(ExecutionResult r, List<OutputFile> files) {
        JsonNode result = r.resultJson() == null ? JSON.nullNode() : JSON.readTree(r.resultJson());
        boolean truncated = r.stdoutTruncated() || r.stderrTruncated();
        String full = render(r, r.stdout(), r.stderr(), result, files, truncated, maxBytes);
        if (utf8Length(full) <= maxBytes) {
            return full;
        }
        List<OutputFile> names = files.stream().map(f -> new OutputFile(f.name(), f.size(), f.mediaType(), null)).toList();
        String withoutContents = render(r, r.stdout(), r.stderr(), result, names, true, maxBytes);
        if (utf8Length(withoutContents) <= maxBytes) {
            return withoutContents;
        }
        String resultText = JSON.writeValueAsString(result);
        int budget = Math.max(0, maxBytes - 400 - Math.min(utf8Length(resultText), maxBytes / 2));
        String stdout = head(r.stdout(), budget * 2 / 3);
        String stderr = head(r.stderr(), budget / 3);
        String cut = render(r, stdout, stderr, result, names, true, maxBytes);
        if (utf8Length(cut) <= maxBytes) {
            return cut;
        }
        JsonNode preview = JSON.getNodeFactory().stringNode(head(resultText, Math.max(0, maxBytes - 400 - utf8Length(stdout)
                - utf8Length(stderr))) + "…");
        return render(r, stdout, stderr, preview, List.of(), true, maxBytes);
    }

    public String invalidInput(String message) {
        return failure("INVALID_INPUT", message);
    }

    /**
     * The answer for a program suspended at a call that needs a person's approval: short, for the model to relay to
     * the user (which tool, which arguments, the approval id), and telling it not to run the program again, since the
     * program continues by itself once the approval is decided.
     */
    public String pendingApproval(PendingApproval approval) {
        return failure("PENDING_APPROVAL", "The program stopped at " + approval.tool() + "("
                + head(approval.argumentsJson(), 500) + "), which a person must approve (approval id " + approval.id()
                + "). Do not run it again: tell the user it awaits approval; once decided, it continues from that call.");
    }

    /** The answer for a program not run because another of this turn awaits approval. */
    public String awaitingApproval(PendingApproval approval) {
        return failure("PENDING_APPROVAL", "Not run: a program of this turn awaits approval " + approval.id() + " of "
                + approval.tool() + ". Run no more programs now; tell the user.");
    }

    private static String failure(String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("success", false);
        root.putObject("error").put("type", type).put("message", message);
        return JSON.writeValueAsString(root);
    }

    private static String render(ExecutionResult r, String stdout, String stderr, JsonNode result, List<OutputFile> files,
            boolean truncated, int maxBytes) {
        ObjectNode root = JSON.createObjectNode();
        root.put("success", r.success());
        if (!stdout.isEmpty()) {
            root.put("stdout", stdout);
        }
        if (!stderr.isEmpty()) {
            root.put("stderr", stderr);
        }
        root.set("result", result);
        if (r.error() != null) {
            ObjectNode e = root.putObject("error");
            e.put("type", GuestStrings.HOST_CALL_WORDING.typeName(r.error().type()));
            e.put("message", r.error().message());
            if (r.error().stack() != null) {
                e.put("stack", head(r.error().stack(), 1000));
            }
        }
        if (!files.isEmpty()) {
            ArrayNode list = root.putArray("files");
            for (OutputFile f : files) {
                ObjectNode file = list.addObject();
                file.put("path", "/output/" + f.name());
                file.put("size", f.size());
                file.put("mediaType", f.mediaType());
                if (f.content() != null) {
                    file.put("content", f.content());
                }
            }
        }
        if (truncated) {
            root.put("truncated", true);
            root.put("note", NOTE.formatted(maxBytes));
        }
        return JSON.writeValueAsString(root);
    }

    /** The longest prefix of {@code text} that fits in {@code maxBytes} of UTF-8, never splitting a character. */
    private static String head(String text, int maxBytes) {
        if (utf8Length(text) <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return text.substring(0, i);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
