package dev.codeact.hyperlight;

import java.util.Collection;

/**
 * How a guest's program-facing API names host functions, in everything the host says about them: the refusals a
 * program's host call gets, the error type of a host-function failure the program did not catch (as results report
 * it) and the count of calls in a result's JSON. The library speaks of host functions ({@link #GENERIC}); the caller whose guest runtime has a name of its own for them (CodeAct's command and
 * Spring layer) passes its wording with the functions ({@link HostFunctions.Builder#wording}), and the layer
 * that reports results uses the same wording ({@link #typeName}, {@link ExecutionResult#toJson(HostCallWording)}).
 *
 * @param function what one host function is called, in messages: "unknown {function} 'x'"
 * @param errorType the name of {@link ErrorType#HOST_FUNCTION_ERROR} in reports
 * @param callsField the name of {@link ExecutionResult#hostCalls()} in a result's JSON
 */
public record HostCallWording(String function, String errorType, String callsField) {
    /** The library's own words. */
    public static final HostCallWording GENERIC =
            new HostCallWording("host function", ErrorType.HOST_FUNCTION_ERROR.name(), "hostCalls");

    public HostCallWording {
        if (function == null || function.isBlank() || errorType == null || errorType.isBlank()
                || callsField == null || callsField.isBlank()) {
            throw new IllegalArgumentException("a wording needs a function noun, an error type name and a calls field");
        }
    }

    /** The name of {@code type} in reports. */
    public String typeName(ErrorType type) {
        return type == ErrorType.HOST_FUNCTION_ERROR ? errorType : type.name();
    }

    String unknownFunction(String name, Collection<String> available) {
        return "unknown " + function + " '" + name + "'; available " + function + "s: "
                + (available.isEmpty() ? "(none)" : String.join(", ", available));
    }

    String tooManyCalls(int limit) {
        return "too many " + function + " calls: the limit is " + limit + " per execution";
    }

    String requestTooLarge(long requestBytes, long limitBytes) {
        return function + " arguments too large: " + requestBytes + " bytes of JSON, the limit is " + limitBytes + " bytes";
    }

    String failedWithoutMessage(Exception e, String name) {
        return e.getClass().getSimpleName() + " in " + function + " '" + name + "'";
    }

    String resultTooLarge(long resultBytes, long limitBytes) {
        return "the " + function + "'s result is " + resultBytes + " bytes, the limit is " + limitBytes + " bytes";
    }
}
