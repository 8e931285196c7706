package dev.codeact.spring.config;

import java.time.Duration;
import java.util.Locale;
import org.springframework.util.unit.DataSize;

/**
 * A CodeAct property whose value cannot work, found when the application starts: which property, its value, what
 * is wrong and what to do. At start-up {@code CodeActFailureAnalyzer} turns it into Spring Boot's "APPLICATION FAILED
 * TO START" report, showing the value as the user wrote it and where.
 */
public class InvalidPropertyException extends IllegalArgumentException {
    private final String property;
    private final String value;
    private final String problem;
    private final String action;

    /**
     * @param property the property's name, e.g. {@code codeact.limits.timeout} or {@code codeact.mounts[0].host-path}
     * @param value the value as bound (shown the way it is written in properties when no source text is at hand)
     * @param problem what is wrong with it, a sentence about the value
     * @param action what the user should do
     */
    public InvalidPropertyException(String property, Object value, String problem, String action) {
        super(property + "=" + written(value) + ": " + problem);
        this.property = property;
        this.value = written(value);
        this.problem = problem;
        this.action = action;
    }

    public String property() {
        return property;
    }

    /** The value as bound, written as in properties (the analyzer prefers the text of the property's source). */
    public String value() {
        return value;
    }

    public String problem() {
        return problem;
    }

    public String action() {
        return action;
    }

    /** A bound value as it would be written in application.yml: 5s rather than PT5S, kvm rather than KVM. */
    public static String written(Object value) {
        if (value instanceof Duration d) {
            long ms = d.toMillis();
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
        if (value instanceof DataSize size) {
            long bytes = size.toBytes();
            return bytes % (1 << 20) == 0 ? (bytes >> 20) + "MB" : bytes % 1024 == 0 ? (bytes >> 10) + "KB" : bytes + "B";
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return String.valueOf(value);
    }
}
