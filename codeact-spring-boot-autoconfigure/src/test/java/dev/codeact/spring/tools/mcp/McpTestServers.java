package dev.codeact.spring.tools.mcp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The MCP servers the tests start over stdio, installed from npm by the build into target/mcp-servers. */
public final class McpTestServers {
    /** The reference knowledge-graph server: 9 tools, each with an outputSchema; its graph is in MEMORY_FILE_PATH. */
    public static final Path MEMORY = Path.of("target", "mcp-servers", "node_modules", "@modelcontextprotocol",
            "server-memory", "dist", "index.js").toAbsolutePath();
    private static volatile String unavailable;

    private McpTestServers() {
    }

    /** Why the servers cannot be started here, or null when they can. */
    static String unavailableReason() {
        String reason = unavailable;
        if (reason == null) {
            reason = probe();
            unavailable = reason;
        }
        return reason.isEmpty() ? null : reason;
    }

    private static String probe() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node.getInputStream().readAllBytes();
            if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
                return "'node --version' failed";
            }
        } catch (IOException e) {
            return "node is not installed (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while looking for node";
        }
        if (!Files.isRegularFile(MEMORY)) {
            return MEMORY + " is missing: the build installs it with npm (see src/test/mcp/install-servers.sh)";
        }
        return "";
    }
}
