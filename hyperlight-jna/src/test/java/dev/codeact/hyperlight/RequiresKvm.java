package dev.codeact.hyperlight;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test only where /dev/kvm is usable. Where it is absent the test is skipped with the reason;
 * with CI=true and a /dev/kvm that exists but cannot be used, the test fails instead of skipping.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KvmCondition.class)
public @interface RequiresKvm {
}
