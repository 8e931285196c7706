package dev.codeact.sample.web;

import dev.codeact.spring.execution.ExecutionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The programs one chat request ran. {@link ChatController} puts a fresh collector into the request's tool
 * context under {@link #TOOL_CONTEXT_KEY}; the single {@link ExecutionListener} bean below finds it in every
 * execution's tool context and adds the execution to it. Executions may finish on another thread (streaming
 * runs tools on a pool), hence the concurrent list.
 */
public final class ExecutionCollector {
    public static final String TOOL_CONTEXT_KEY = "sample.executionCollector";

    private final List<ExecutionListener.Execution> executions = new CopyOnWriteArrayList<>();

    void add(ExecutionListener.Execution execution) {
        executions.add(execution);
    }

    public List<ExecutionListener.Execution> executions() {
        return List.copyOf(executions);
    }

    /** Registers the listener: one bean for the whole application, told about every execution. */
    @Configuration(proxyBeanMethods = false)
    static class Listener {
        private static final Logger log = LoggerFactory.getLogger(ExecutionCollector.class);

        @Bean
        ExecutionListener collectExecutionsPerRequest() {
            return execution -> {
                log.debug("execution: success={} toolCalls={} duration={}", execution.result().success(),
                        execution.result().hostCalls(), execution.result().duration());
                if (execution.toolContext().get(TOOL_CONTEXT_KEY) instanceof ExecutionCollector collector) {
                    collector.add(execution);
                }
            };
        }
    }
}
