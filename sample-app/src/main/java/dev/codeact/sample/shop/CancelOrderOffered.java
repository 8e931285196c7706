package dev.codeact.sample.shop;

import dev.codeact.spring.policy.ToolNamePatterns;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * cancel_order is offered where {@code sample.tools.cancel-order.enabled} is on, or where
 * {@code codeact.tools.approval-required} names it: a deployment that says every cancellation needs approval
 * evidently means the tool to be there, and then no call of it runs unapproved.
 */
class CancelOrderOffered extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Binder binder = Binder.get(context.getEnvironment());
        if (binder.bind("sample.tools.cancel-order.enabled", Boolean.class).orElse(false)) {
            return ConditionOutcome.match("sample.tools.cancel-order.enabled is on");
        }
        List<String> approvalRequired = binder.bind("codeact.tools.approval-required", Bindable.listOf(String.class))
                .orElse(List.of());
        if (ToolNamePatterns.of(approvalRequired).matches("cancel_order")) {
            return ConditionOutcome.match("codeact.tools.approval-required " + approvalRequired + " names cancel_order");
        }
        return ConditionOutcome.noMatch("neither sample.tools.cancel-order.enabled nor codeact.tools.approval-required"
                + " offers cancel_order");
    }
}
