package dev.codeact.sample.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.sample.bench.CodeActSavingsBenchmark.Report;
import dev.codeact.sample.bench.CodeActSavingsBenchmark.Run;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@link CodeActSavingsBenchmark} against the loopback scripted model (3 unmeasured and 5 measured runs per
 * mode; every run is checked, and all runs of a mode must send byte-identical requests), checks what it must show,
 * prints the table and writes target/codeact-savings.json. More runs for steadier times:
 * {@code -Dcodeact.bench.warmups=50 -Dcodeact.bench.runs=100}; {@code -Dcodeact.bench.dump=DIR} writes the
 * request bodies and replies of the last run of each mode.
 */
class CodeActSavingsTest {

    @Test
    void codeActAnswersTheFiveCallTaskInTwoRoundTripsAndSendsLess() throws Exception {
        int warmups = Integer.getInteger("codeact.bench.warmups", 3);
        int runs = Integer.getInteger("codeact.bench.runs", 5);

        Report report = CodeActSavingsBenchmark.run(warmups, runs);
        Path out = CodeActSavingsBenchmark.defaultOutput();
        report.write(out);
        System.out.println("What CodeAct saves (" + CodeActSavingsBenchmark.TOKENIZER + ", sandbox "
                + report.codeAct().traffic().backend() + "):\n" + report.table());

        Run plain = report.plain().traffic();
        Run codeAct = report.codeAct().traffic();
        // five tool calls with data flowing between them: one round trip each, or one program
        assertThat(plain.requests()).isEqualTo(6);
        assertThat(codeAct.requests()).isEqualTo(2);
        assertThat(plain.toolsCalled()).isEqualTo(ShopTask.STEPS).isEqualTo(codeAct.toolsCalled());
        // the same numbers, as the tool beans give them when called directly
        assertThat(plain.facts()).isEqualTo(codeAct.facts()).isEqualTo(report.expected());
        assertThat(plain.answer()).isEqualTo(codeAct.answer()).isEqualTo(report.expected().answer());
        assertThat(report.expected().customer()).isEqualTo("Ada Lovelace");
        assertThat(report.expected().currency()).isEqualTo("GBP");
        assertThat(report.expected().rate()).isEqualByComparingTo(new BigDecimal("0.845"));
        // what CodeAct saves
        assertThat(codeAct.totalBytes()).isLessThan(plain.totalBytes());
        assertThat(codeAct.totalBodyTokens()).isLessThan(plain.totalBodyTokens());
        assertThat(codeAct.totalPromptTokens()).isLessThan(plain.totalPromptTokens());

        JsonNode written = JsonMapper.builder().build().readTree(Files.readString(out));
        assertThat(written.path("modes").path("plain").path("requests").asInt()).isEqualTo(6);
        assertThat(written.path("modes").path("codeact").path("requests").asInt()).isEqualTo(2);
        assertThat(written.path("modes").path("codeact").path("requestBytes").asLong()).isEqualTo(codeAct.totalBytes());
    }
}
