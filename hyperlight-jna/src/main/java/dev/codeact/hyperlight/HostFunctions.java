package dev.codeact.hyperlight;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** An immutable set of named host functions: what a program's host calls can reach. */
public final class HostFunctions {
    private static final HostFunctions NONE = new HostFunctions(Map.of(), Set.of(), HostCallWording.GENERIC);
    private final Map<String, HostFunction> functions;
    private final Set<String> unlisted;
    private final HostCallWording wording;

    private HostFunctions(Map<String, HostFunction> functions, Set<String> unlisted, HostCallWording wording) {
        this.functions = functions;
        this.unlisted = unlisted;
        this.wording = wording;
    }

    public static HostFunctions none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A function that returns its arguments unchanged, handy to test host-call round trips. */
    public static HostFunction echo() {
        return argumentsJson -> argumentsJson;
    }

    public HostFunction get(String name) {
        return functions.get(name);
    }

    /** The names of the listed functions, sorted: those registered unlisted are left out. */
    public Set<String> names() {
        TreeSet<String> names = new TreeSet<>(functions.keySet());
        names.removeAll(unlisted);
        return Collections.unmodifiableSet(names);
    }

    /** How the guest's API names these functions, in what the host tells the program about its calls. */
    public HostCallWording wording() {
        return wording;
    }

    public static final class Builder {
        private final Map<String, HostFunction> functions = new LinkedHashMap<>();
        private final Set<String> unlisted = new java.util.HashSet<>();
        private HostCallWording wording = HostCallWording.GENERIC;

        /**
         * How the guest's API names host functions ({@link HostCallWording#GENERIC} unless told). It must be the
         * wording of the guest that runs the program: an outcome that names the host-function error by another word
         * breaks the guest's protocol.
         */
        public Builder wording(HostCallWording value) {
            if (value == null) {
                throw new IllegalArgumentException("wording must not be null");
            }
            wording = value;
            return this;
        }

        /**
         * Registers a function that is callable like any other but left out of {@link HostFunctions#names()}, so
         * that the functions behind a guest's own APIs are not offered to programs by name.
         */
        public Builder registerUnlisted(String name, HostFunction function) {
            register(name, function);
            unlisted.add(name);
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
            return new HostFunctions(Map.copyOf(functions), Set.copyOf(unlisted), wording);
        }
    }
}
