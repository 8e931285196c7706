package dev.codeact.spring.e2e;

import org.springframework.test.context.TestPropertySource;

/** The end-to-end conversation with programs in in-process GraalJS. */
@TestPropertySource(properties = "codeact.sandbox.backend=graaljs")
class GraalJsEndToEndTest extends CodeActEndToEndTest {

    @Override
    protected String backend() {
        return "graaljs";
    }
}
