package dev.codeact.spring.actuator;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * Descriptions of the meters CodeAct's observations make: Micrometer's observation handler registers them without
 * one, so a filter gives each its description as it is registered.
 */
public final class CodeActMeters {
    private static final Map<String, String> DESCRIPTION_BY_NAME = Map.of(
            "codeact.execution", "Programs run in the sandbox: their time, by backend, outcome and error.",
            "codeact.execution.active", "Programs running in the sandbox now.",
            "codeact.tool.call", "Tool calls made by programs: their time, by tool, outcome and error.",
            "codeact.tool.call.active", "Tool calls from programs running now.");

    /** Adds the description of every codeact meter that has none. */
    public static final MeterFilter DESCRIPTIONS = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            String description = DESCRIPTION_BY_NAME.get(id.getName());
            return description == null || id.getDescription() != null ? id
                    : new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTags()), id.getBaseUnit(),
                            description, id.getType());
        }
    };

    private CodeActMeters() {
    }
}
