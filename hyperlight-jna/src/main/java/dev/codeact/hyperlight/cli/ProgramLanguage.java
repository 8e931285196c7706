package dev.codeact.hyperlight.cli;

import dev.codeact.hyperlight.GuestImage;
import java.nio.file.Path;
import java.util.Locale;

/** The language of a program {@code codeact run} is given: which guest runs it and where its boots are kept. */
enum ProgramLanguage {
    JAVASCRIPT,
    PYTHON;

    /** By {@code --language}'s value. */
    static ProgramLanguage named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "javascript", "js" -> JAVASCRIPT;
            case "python", "py" -> PYTHON;
            default -> throw new IllegalArgumentException("unknown language '" + name + "' (javascript or python)");
        };
    }

    /** By the file's extension: {@code .py} is Python; anything else, and standard input, JavaScript (as before). */
    static ProgramLanguage ofFile(String file) {
        return file.toLowerCase(Locale.ROOT).endsWith(".py") ? PYTHON : JAVASCRIPT;
    }

    GuestImage image() {
        return this == PYTHON ? GuestImage.python() : GuestImage.quickJs();
    }

    /**
     * Where this language's booted guest is kept, given the JavaScript guest's directory: a store keeps one image
     * and removes the entries of any other, so the Python guest gets a sibling directory of its own rather than
     * evicting the JavaScript boot on every switch of language.
     */
    Path bootCache(Path javascriptCache) {
        return this == PYTHON ? javascriptCache.resolveSibling(javascriptCache.getFileName() + "-python") : javascriptCache;
    }

    /**
     * Whether {@code run} prints the result on stdout: a Python file's final expression statement is the
     * execution's result, but {@code python3 FILE.py} prints nothing for it, and {@code codeact run FILE.py} prints
     * what CPython prints ({@code --json} carries the result).
     */
    boolean printsResult() {
        return this == JAVASCRIPT;
    }
}
