package dev.codeact.hyperlight;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** An immutable set of named host functions: what {@code call_tool(name, args)} can reach. */
public final class HostFunctions {
    private static final HostFunctions NONE = new HostFunctions(Map.of());
    private final Map<String, HostFunction> functions;

    private HostFunctions(Map<String, HostFunction> functions) {
        this.functions = functions;
    }

    public static HostFunctions none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A function that returns its arguments unchanged, handy to test call_tool round trips. */
    public static HostFunction echo() {
        return argumentsJson -> argumentsJson;
    }

    public HostFunction get(String name) {
        return functions.get(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(functions.keySet()));
    }

    public static final class Builder {
        private final Map<String, HostFunction> functions = new LinkedHashMap<>();

        public Builder register(String name, HostFunction function) {
            if (name == null || name.isEmpty() || function == null) {
                throw new IllegalArgumentException("a host function needs a name and an implementation");
            }
            if (functions.putIfAbsent(name, function) != null) {
                throw new IllegalArgumentException("host function '" + name + "' is registered twice");
            }
            return this;
        }

        public HostFunctions build() {
            return new HostFunctions(Map.copyOf(functions));
        }
    }
}
