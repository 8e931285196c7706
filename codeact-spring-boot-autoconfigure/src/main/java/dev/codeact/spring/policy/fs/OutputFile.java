package dev.codeact.spring.policy.fs;

/**
 * A file a program left under {@code /output}.
 *
 * @param name the path relative to /output, with {@code /} separators: {@code report.csv}, {@code sub/a.txt}
 * @param size its size in bytes
 * @param mediaType guessed from the extension ({@code application/octet-stream} when unknown and not text)
 * @param content the text, for UTF-8 text files up to the inline-text size; null otherwise
 */
public record OutputFile(String name, long size, String mediaType, String content) {
}
