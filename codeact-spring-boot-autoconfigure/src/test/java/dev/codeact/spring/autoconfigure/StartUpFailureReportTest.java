package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * A real application start with a bad CodeAct configuration: the console shows Spring Boot's "APPLICATION FAILED
 * TO START" report naming the property, its value as written, the problem and the action, and no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartUpFailureReportTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    private static void start(ClassLoader classLoader, String... args) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        if (classLoader != null) {
            app.setResourceLoader(new DefaultResourceLoader(classLoader));
        }
        String[] all = new String[args.length + 2];
        all[0] = "--spring.ai.openai.api-key=test";
        all[1] = "--logging.level.root=warn";
        System.arraycopy(args, 0, all, 2, args.length);
        assertThatThrownBy(() -> app.run(all)).isNotNull();
    }

    private static void assertReport(CapturedOutput output, String property, String value, String problem, String action) {
        String text = output.getAll();
        assertThat(text).contains("APPLICATION FAILED TO START")
                .contains("Property: " + property)
                .contains("Value:    \"" + value + "\"")
                .contains("Problem:  " + problem)
                .contains(action)
                .doesNotContain("\tat dev.codeact").doesNotContain("Caused by:");
    }

    @Test
    void aNegativeTimeoutIsReportedAsWritten(CapturedOutput output) {
        start(null, "--codeact.limits.timeout=-5s");
        assertReport(output, "codeact.limits.timeout", "-5s", "must be positive",
                "Set codeact.limits.timeout to a duration such as 30s");
        assertThat(output.getAll()).doesNotContain("PT-5S");
    }

    @Test
    void anUnknownBackendListsTheValuesInLowerCase(CapturedOutput output) {
        start(null, "--codeact.sandbox.backend=foo");
        assertReport(output, "codeact.sandbox.backend", "foo", "is not one of auto, kvm, graaljs",
                "Set codeact.sandbox.backend to one of auto, kvm, graaljs.");
    }

    @Test
    void anUnknownLanguageListsTheLanguagesThereAre(CapturedOutput output) {
        start(null, "--codeact.language=ruby");
        assertReport(output, "codeact.language", "ruby", "is not one of javascript, python",
                "Set codeact.language to javascript or python.");
    }

    @Test
    void aTimeoutThatIsNotADurationSaysHowToWriteOne(CapturedOutput output) {
        start(null, "--codeact.limits.timeout=soon");
        assertReport(output, "codeact.limits.timeout", "soon", "is not a duration", "e.g. 30s, 500ms or 2m");
    }

    @Test
    void aMountWhoseHostPathDoesNotExistNamesTheEntry(CapturedOutput output, @TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-dir");
        start(null, "--codeact.mounts[0].guest-path=/data", "--codeact.mounts[0].host-path=" + missing);
        assertReport(output, "codeact.mounts[0].host-path", missing.toString(), "does not exist",
                "Create the directory, or point the mount of /data at one that exists.");
    }

    @Test
    void aBadEgressRuleNamesItsIndex(CapturedOutput output) {
        start(null, "--codeact.egress.rules[0].host=api.example.com", "--codeact.egress.rules[1].host=api.example.com",
                "--codeact.egress.rules[1].scheme=ftp");
        assertReport(output, "codeact.egress.rules[1].scheme", "ftp", "must be http or https",
                "Set the rule's scheme to https (or http).");
    }

    @Test
    void graalJsRequestedButAbsent(CapturedOutput output) {
        start(new FilteredClassLoader("org.graalvm.polyglot"), "--codeact.sandbox.backend=graaljs");
        assertReport(output, "codeact.sandbox.backend", "graaljs", "GraalJS is not on the classpath",
                "Add dev.codeact:codeact-spring-boot-starter-graaljs");
    }

    @Test
    void theRedisStoreWithoutSpringDataRedisSaysWhichDependencyToAdd(CapturedOutput output) {
        start(new FilteredClassLoader("org.springframework.data.redis"), "--codeact.sessions.store=redis");
        assertReport(output, "codeact.sessions.store", "redis", "needs Spring Data Redis, which is not on the classpath",
                "Add the dependency org.springframework.boot:spring-boot-starter-data-redis");
    }
}
