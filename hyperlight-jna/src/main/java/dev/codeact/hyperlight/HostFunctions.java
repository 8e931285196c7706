package dev.codeact.hyperlight;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** An immutable set of named host functions: what {@code call_tool(name, args)} can reach. */
public final class HostFunctions {
    private static final HostFunctions NONE = new HostFunctions(Map.of(), Set.of());
    private final Map<String, HostFunction> functions;
    private final Set<String> services;

    private HostFunctions(Map<String, HostFunction> functions, Set<String> services) {
        this.functions = functions;
        this.services = services;
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

    /** The names of the tools, sorted; services are left out (programs reach them through their own API). */
    public Set<String> names() {
        TreeSet<String> names = new TreeSet<>(functions.keySet());
        names.removeAll(services);
        return Collections.unmodifiableSet(names);
    }

    public static final class Builder {
        private final Map<String, HostFunction> functions = new LinkedHashMap<>();
        private final Set<String> services = new java.util.HashSet<>();

        /**
         * Registers a service behind one of the program's own APIs (fetch, fs): callable like a tool, but not
         * listed among the tools in error messages.
         */
        public Builder service(String name, HostFunction function) {
            register(name, function);
            services.add(name);
            return this;
        }

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
            return new HostFunctions(Map.copyOf(functions), Set.copyOf(services));
        }
    }
}
