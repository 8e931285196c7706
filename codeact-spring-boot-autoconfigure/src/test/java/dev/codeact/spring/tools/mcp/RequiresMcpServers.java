package dev.codeact.spring.tools.mcp;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test only where the MCP servers of {@link McpTestServers} can be started: node on the PATH and the npm
 * packages installed by the build. Elsewhere the test is skipped with the reason; with CI=true it fails instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(McpServersCondition.class)
public @interface RequiresMcpServers {
}
