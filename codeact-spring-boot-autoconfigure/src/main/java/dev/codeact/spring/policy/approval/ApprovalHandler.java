package dev.codeact.spring.policy.approval;

/**
 * Decides, call by call, whether a program may run a tool listed in {@code codeact.tools.approval-required}.
 * Define one as a bean. It is asked on the sandbox's thread while the program waits, with the tool's name,
 * the exact arguments and the request's tool context; a denial (or an exception) becomes a JavaScript error
 * in the program and the tool does not run.
 */
@FunctionalInterface
public interface ApprovalHandler {

    ApprovalDecision decide(ApprovalRequest request);
}
