package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.spring.policy.fs.OutputFile;
import java.util.List;

/**
 * One program's run as the application sees it.
 *
 * @param result what the sandbox reported
 * @param files the files the program left in /output
 * @param toolsCalled the tools it called, in order
 */
public record CodeExecution(ExecutionResult result, List<OutputFile> files, List<String> toolsCalled) {
    public CodeExecution {
        files = List.copyOf(files);
        toolsCalled = List.copyOf(toolsCalled);
    }
}
