package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The outcome JSON the guest writes at DONE. */
class GuestOutcomeTest {

    @Test
    void successCarriesTheResult() throws Exception {
        GuestOutcome o = decode("{\"ok\":true,\"result\":42}");
        assertThat(o.resultJson()).isEqualTo("42");
        assertThat(o.error()).isNull();
        assertThat(o.interrupted()).isFalse();
    }

    @Test
    void successReserialisesStructuredResultsCompactly() throws Exception {
        GuestOutcome o = decode("{ \"ok\" : true , \"result\" : { \"a\" : [ 1 , \"é\" , null ] } }");
        assertThat(o.resultJson()).isEqualTo("{\"a\":[1,\"é\",null]}");
    }

    @Test
    void successWithoutResultIsJsonNull() throws Exception {
        assertThat(decode("{\"ok\":true}").resultJson()).isEqualTo("null");
        assertThat(decode("{\"ok\":true,\"result\":null}").resultJson()).isEqualTo("null");
    }

    @ParameterizedTest
    @EnumSource(value = ErrorType.class, names = {"SYNTAX", "RUNTIME", "OUT_OF_MEMORY", "STACK_OVERFLOW", "HOST_FUNCTION_ERROR", "OUTPUT_LIMIT"})
    void mapsEachFailureTypeTheGuestMayReport(ErrorType type) throws Exception {
        GuestOutcome o = decode("{\"ok\":false,\"type\":\"" + GuestStrings.HOST_CALL_WORDING.typeName(type)
                + "\",\"name\":\"SomeError\",\"message\":\"it broke\",\"stack\":\"    at <eval> (program:1)\\n\"}");

        assertThat(o.interrupted()).isFalse();
        assertThat(o.resultJson()).isNull();
        ExecutionError e = o.error();
        assertThat(e).isNotNull();
        assertThat(e.type()).isEqualTo(type);
        assertThat(e.name()).isEqualTo("SomeError");
        assertThat(e.message()).isEqualTo("SomeError: it broke");
        assertThat(e.stack()).isEqualTo("    at <eval> (program:1)\n");
    }

    @Test
    void failureWithoutMessageIsDescribedByItsName() throws Exception {
        ExecutionError e = decode("{\"ok\":false,\"type\":\"RUNTIME\",\"name\":\"KeyError\",\"message\":\"\"}").error();
        assertThat(e.message()).isEqualTo("KeyError");
        assertThat(decode("{\"ok\":false,\"type\":\"RUNTIME\",\"message\":\"\"}").error().message()).isEqualTo("RUNTIME");
    }

    @Test
    void failureWithoutNameUsesTheBareMessage() throws Exception {
        ExecutionError e = decode("{\"ok\":false,\"type\":\"RUNTIME\",\"message\":\"Uncaught 42\"}").error();
        assertThat(e.type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(e.message()).isEqualTo("Uncaught 42");
        assertThat(e.name()).isNull();
        assertThat(e.stack()).isNull();
    }

    @Test
    void failureWithoutMessageFallsBackToTheType() throws Exception {
        ExecutionError e = decode("{\"ok\":false,\"type\":\"OUT_OF_MEMORY\"}").error();
        assertThat(e.type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
        assertThat(e.message()).isEqualTo("OUT_OF_MEMORY");
    }

    @Test
    void nonStringNameAndStackAreIgnored() throws Exception {
        ExecutionError e = decode("{\"ok\":false,\"type\":\"TOOL_ERROR\",\"name\":7,\"message\":\"m\",\"stack\":[1]}").error();
        assertThat(e.type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        assertThat(e.name()).isNull();
        assertThat(e.stack()).isNull();
        assertThat(e.message()).isEqualTo("m");
    }

    @Test
    void theHostFunctionErrorIsTheHeadersTypeWhateverTheCallersWords() throws Exception {
        byte[] guests = "{\"ok\":false,\"type\":\"TOOL_ERROR\",\"message\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(GuestOutcome.decode(guests).error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        // the library's own name for it is for reports, not something the guest writes
        assertThatThrownBy(() -> decode("{\"ok\":false,\"type\":\"HOST_FUNCTION_ERROR\",\"message\":\"m\"}"))
                .isInstanceOf(GuestProtocolException.class).hasMessageContaining("unknown error type");
    }

    @Test
    void interruptedMeansTheHostStoppedIt() throws Exception {
        GuestOutcome o = decode("{\"ok\":false,\"type\":\"INTERRUPTED\",\"name\":\"InternalError\",\"message\":\"interrupted\"}");
        assertThat(o.interrupted()).isTrue();
        assertThat(o.error()).isNull();
        assertThat(o.resultJson()).isNull();
    }

    /** The guest must not be able to claim host-side verdicts (TIMEOUT, GUEST_CRASH, ...) or invent types. */
    @ParameterizedTest
    @ValueSource(strings = {"TIMEOUT", "CPU_LIMIT", "GUEST_CRASH", "SANDBOX_FAILURE", "KVM_UNAVAILABLE",
        "POOL_EXHAUSTED", "runtime", "BOGUS", ""})
    void rejectsAnUnknownErrorType(String type) {
        assertThatThrownBy(() -> decode("{\"ok\":false,\"type\":\"" + type + "\",\"message\":\"x\"}"))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessage("outcome has unknown error type '" + type + "'");
    }

    @Test
    void rejectsAFailureWithoutType() {
        assertThatThrownBy(() -> decode("{\"ok\":false,\"message\":\"x\"}"))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("unknown error type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"result\":1}", "{\"ok\":\"true\",\"result\":1}", "{\"ok\":1}", "{\"ok\":null}",
        "[true]", "true", "\"ok\"", "null"})
    void rejectsAnythingButAnObjectWithABooleanOk(String json) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessage("outcome must be an object with a boolean 'ok'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"ok\":tru", "{\"ok\":true,\"result\":}", "{\"ok\":true,,}"})
    void rejectsInvalidJson(String json) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageStartingWith("outcome is not valid JSON");
    }

    @Test
    void rejectsAnEmptyOutcome() {
        assertThatThrownBy(() -> GuestOutcome.decode(new byte[0])).isInstanceOf(GuestProtocolException.class);
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bytes = "{\"ok\":true,\"result\":\"xx\"}".getBytes(StandardCharsets.US_ASCII);
        bytes[21] = (byte) 0xC3;
        bytes[22] = 0x28;
        assertThatThrownBy(() -> GuestOutcome.decode(bytes))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessage("outcome is not valid UTF-8");
    }

    /** The guest is CodeAct's JavaScript runtime, which calls host functions tools. */
    private static GuestOutcome decode(String json) throws GuestProtocolException {
        return GuestOutcome.decode(json.getBytes(StandardCharsets.UTF_8));
    }
}
