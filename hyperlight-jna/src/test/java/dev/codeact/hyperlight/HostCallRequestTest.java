package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Host-call requests as the guest writes them: strict UTF-8, then {@code {"name": string, "args": any}}. */
class HostCallRequestTest {

    @Test
    void decodesNameAndArguments() throws Exception {
        HostCallRequest r = decode("{\"name\":\"echo\",\"args\":{\"x\":1,\"y\":[true,null,\"s\"]}}");
        assertThat(r.name()).isEqualTo("echo");
        assertThat(r.argumentsJson()).isEqualTo("{\"x\":1,\"y\":[true,null,\"s\"]}");
    }

    @Test
    void reserialisesArgumentsCompactly() throws Exception {
        HostCallRequest r = decode("{ \"args\" : { \"a\" :  [ 1 , 2 ] } , \"name\" : \"sum\" }");
        assertThat(r.name()).isEqualTo("sum");
        assertThat(r.argumentsJson()).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void missingArgumentsBecomeAnEmptyObject() throws Exception {
        assertThat(decode("{\"name\":\"now\"}").argumentsJson()).isEqualTo("{}");
    }

    @Test
    void nonObjectArgumentsArePassedThrough() throws Exception {
        assertThat(decode("{\"name\":\"f\",\"args\":[1,2]}").argumentsJson()).isEqualTo("[1,2]");
        assertThat(decode("{\"name\":\"f\",\"args\":\"text\"}").argumentsJson()).isEqualTo("\"text\"");
        assertThat(decode("{\"name\":\"f\",\"args\":7}").argumentsJson()).isEqualTo("7");
        assertThat(decode("{\"name\":\"f\",\"args\":null}").argumentsJson()).isEqualTo("null");
    }

    @Test
    void decodesNonAsciiNamesAndArguments() throws Exception {
        HostCallRequest r = decode("{\"name\":\"météo\",\"args\":{\"city\":\"東京 🌧\"}}");
        assertThat(r.name()).isEqualTo("météo");
        assertThat(r.argumentsJson()).isEqualTo("{\"city\":\"東京 🌧\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"args\":{}}",
        "{}",
        "{\"name\":null}",
        "{\"name\":42}",
        "{\"name\":[\"echo\"]}",
        "{\"name\":{\"n\":\"echo\"}}",
    })
    void rejectsAMissingOrNonStringName(String json) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("must be an object with a string 'name'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"echo\",{}]", "\"echo\"", "42", "true", "null"})
    void rejectsANonObject(String json) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("must be an object with a string 'name'");
    }

    @Test
    void rejectsAnEmptyRequest() {
        assertThatThrownBy(() -> HostCallRequest.decode(new byte[0]))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("host-call request");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"name\": \"echo\", \"args\": {",
        "{name: \"echo\"}",
        "{\"name\":\"echo\",}",
        "{'name':'echo'}",
    })
    void rejectsInvalidJson(String json) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageStartingWith("host-call request is not valid JSON");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] prefix = "{\"name\":\"echo\",\"args\":\"".getBytes(StandardCharsets.US_ASCII);
        for (byte[] bad : new byte[][] {
            {(byte) 0xC3, 0x28},                     // truncated two-byte sequence
            {(byte) 0xC0, (byte) 0xAF},              // overlong encoding of '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // UTF-16 surrogate encoded in UTF-8
            {(byte) 0xFF},                           // never valid
        }) {
            byte[] request = new byte[prefix.length + bad.length + 2];
            System.arraycopy(prefix, 0, request, 0, prefix.length);
            System.arraycopy(bad, 0, request, prefix.length, bad.length);
            request[request.length - 2] = '"';
            request[request.length - 1] = '}';
            assertThatThrownBy(() -> HostCallRequest.decode(request))
                    .as("bytes %s", java.util.HexFormat.of().formatHex(bad))
                    .isInstanceOf(GuestProtocolException.class)
                    .hasMessage("host-call request is not valid UTF-8");
        }
    }

    @Test
    void decodeUtf8NamesWhatItDecoded() throws Exception {
        assertThat(HostCallRequest.decodeUtf8("ok ✓".getBytes(StandardCharsets.UTF_8), "thing")).isEqualTo("ok ✓");
        assertThatThrownBy(() -> HostCallRequest.decodeUtf8(new byte[] {(byte) 0x80}, "the widget"))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessage("the widget is not valid UTF-8");
    }

    private static HostCallRequest decode(String json) throws GuestProtocolException {
        return HostCallRequest.decode(json.getBytes(StandardCharsets.UTF_8));
    }
}
