package dev.codeact.spring.sandbox;

import java.util.Locale;

/** A language programs are written in, as {@code codeact.language} and the per-call language name it. */
public enum Language {
    /** ECMAScript 2023 on QuickJS (KVM) or GraalJS. */
    JAVASCRIPT("javascript", ".js"),
    /** Python 3.13 on CPython (KVM) or GraalPy. */
    PYTHON("python", ".py");

    private final String id;
    private final String fileExtension;

    Language(String id, String fileExtension) {
        this.id = id;
        this.fileExtension = fileExtension;
    }

    /** The name in properties and requests: {@code javascript} or {@code python}. */
    public String id() {
        return id;
    }

    /** The extension of a program file in this language, with its dot. */
    public String fileExtension() {
        return fileExtension;
    }

    /**
     * The language named {@code name} ({@code javascript}, {@code js}, {@code python}, {@code py}; any case).
     *
     * @throws IllegalArgumentException naming the languages there are
     */
    public static Language of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "javascript", "js" -> JAVASCRIPT;
            case "python", "py" -> PYTHON;
            default -> throw new IllegalArgumentException("unknown language '" + name + "': use javascript or python");
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
