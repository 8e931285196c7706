package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.config.InvalidPropertyException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Turns CodeAct's configuration and environment errors into Spring Boot's "APPLICATION FAILED TO START" report: the
 * property, its value as the user wrote it and where, what is wrong and what to do, with no stack trace. It reads
 * {@link InvalidPropertyException}s (values CodeAct checks: limits, mounts, egress rules, a backend that cannot run
 * here) and the binder's failures to read a {@code codeact.*} value at all (an unknown enum value, a duration or a
 * size that does not parse). Runs before Spring Boot's own analyzers, and leaves every other failure to them.
 */
public class CodeActFailureAnalyzer implements FailureAnalyzer, Ordered {
    private final Environment environment;

    public CodeActFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        InvalidPropertyException invalid = cause(failure, InvalidPropertyException.class);
        BindException bind = cause(failure, BindException.class);
        if (invalid != null) {
            String property = invalid.property();
            if (property.contains("[]") && bind != null) {
                property = withIndex(property, bind.getName().toString());
            }
            return report(property, invalid.value(), invalid.problem(), invalid.action(), invalid);
        }
        if (bind == null || !bind.getName().toString().startsWith("codeact")) {
            return null;
        }
        ConfigurationProperty bound = bind.getProperty();
        String property = bound != null ? bound.getName().toString() : bind.getName().toString();
        ConversionFailedException conversion = cause(bind, ConversionFailedException.class);
        Class<?> type = conversion != null ? conversion.getTargetType().getType() : null;
        String problem;
        String action;
        if (type != null && type.isEnum()) {
            String values = Arrays.stream(type.getEnumConstants()).map(c -> written((Enum<?>) c)).collect(Collectors.joining(", "));
            problem = "is not one of " + values;
            action = "Set " + property + " to one of " + values + ".";
        } else if (type == Duration.class) {
            problem = "is not a duration";
            action = "Write a duration with its unit, e.g. 30s, 500ms or 2m.";
        } else if (type == DataSize.class) {
            problem = "is not a size";
            action = "Write a size with its unit, e.g. 64MB, 512KB or 1GB.";
        } else if (type != null && (type == Integer.class || type == int.class || type == Long.class || type == long.class)) {
            problem = "is not a whole number";
            action = "Write a whole number, e.g. 4.";
        } else {
            Throwable root = bind;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            problem = "cannot be read: " + root.getMessage();
            action = "Check " + property + " against the CodeAct properties in the README.";
        }
        return report(property, bound != null ? String.valueOf(bound.getValue()) : null, problem, action, bind);
    }

    private FailureAnalysis report(String property, String boundValue, String problem, String action, Throwable cause) {
        ConfigurationProperty written = find(property);
        StringBuilder description = new StringBuilder("CodeAct's configuration does not work here:\n\n")
                .append("    Property: ").append(property).append('\n')
                .append("    Value:    \"").append(written != null ? written.getValue() : boundValue).append("\"\n");
        if (written != null && written.getOrigin() != null) {
            description.append("    Origin:   ").append(written.getOrigin()).append('\n');
        }
        description.append("    Problem:  ").append(problem);
        return new FailureAnalysis(description.toString(), action, cause);
    }

    /** The property as one of the environment's sources has it: the text the user wrote, and where. */
    private ConfigurationProperty find(String property) {
        if (!ConfigurationPropertyName.isValid(property)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty found = source.getConfigurationProperty(name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** codeact.mounts[].host-path with the binder's codeact.mounts[2] gives codeact.mounts[2].host-path. */
    private static String withIndex(String property, String boundName) {
        int open = boundName.lastIndexOf('[');
        return open < 0 ? property : property.replace("[]", boundName.substring(open));
    }

    private static String written(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
