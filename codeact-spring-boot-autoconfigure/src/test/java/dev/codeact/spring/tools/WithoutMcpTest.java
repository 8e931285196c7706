package dev.codeact.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * The MCP SDK and Spring AI's MCP module are optional: discovery, declarations and tool calls work in a class
 * loader that has the test class path without them (this module's tests have them, so only such a loader shows it).
 */
class WithoutMcpTest {

    @Test
    void toolsAreFoundDeclaredAndCalledWithoutMcpOnTheClassPath() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        URL[] withoutMcp = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !(entry.endsWith(".jar") && Path.of(entry).getFileName().toString().contains("mcp")))
                .map(WithoutMcpTest::url).toArray(URL[]::new);
        try (URLClassLoader loader = new URLClassLoader(withoutMcp, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("io.modelcontextprotocol.spec.McpSchema"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass("org.springframework.ai.mcp.SyncMcpToolCallback"))
                    .isInstanceOf(ClassNotFoundException.class);

            Object outcome = loader.loadClass(Probe.class.getName()).getMethod("run").invoke(null);

            assertThat(outcome).isEqualTo(List.of("""
                    /** Twice a number */
                    declare function call_tool(name: "twice", args: {
                      n: number;
                    }): number;
                    """, "42"));
        }
    }

    private static URL url(String entry) {
        try {
            return Path.of(entry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }

    /** Runs in the loader without MCP: finds a @Tool bean, declares it, calls it as a program would. */
    public static final class Probe {
        public static List<String> run() throws Exception {
            DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
            beans.registerBeanDefinition("maths", new RootBeanDefinition(Maths.class));
            ToolSet tools = new ToolCatalog(new ToolBeanDiscovery(beans), List.of("*"), List.of(), List.of())
                    .select(List.of());
            return List.of(tools.declarations(),
                    tools.hostFunctions(new ToolContext(Map.of())).get("twice").call("{\"n\": 21}"));
        }
    }

    public static class Maths {
        @Tool(description = "Twice a number")
        public int twice(int n) {
            return 2 * n;
        }
    }
}
