package dev.codeact.spring.policy.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses count as special; all literals, so nothing is looked up. */
class SpecialAddressesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1 | a loopback address",
            "127.255.0.9 | a loopback address",
            "::1 | a loopback address",
            "10.1.2.3 | a private address",
            "172.16.0.1 | a private address",
            "172.31.255.255 | a private address",
            "192.168.1.1 | a private address",
            "fc00::1 | a private address",
            "fd12:3456::1 | a private address",
            "100.64.0.1 | a private (carrier-grade NAT) address",
            "169.254.1.1 | a link-local address",
            "fe80::1 | a link-local address",
            "169.254.169.254 | a cloud metadata address",
            "fd00:ec2::254 | a cloud metadata address",
            "100.100.100.200 | a cloud metadata address",
            "0.0.0.0 | an unspecified address",
            ":: | an unspecified address",
            "224.0.0.1 | a multicast address",
            "ff02::1 | a multicast address",
            "255.255.255.255 | a reserved address",
            "::ffff:127.0.0.1 | a loopback address",
            "::ffff:169.254.169.254 | a cloud metadata address",
            "::127.0.0.1 | a loopback address (IPv4 inside IPv6)",
            "64:ff9b::a00:1 | a private address (IPv4 inside IPv6)",
            "2002:a9fe:a9fe:: | a cloud metadata address (IPv4 inside IPv6)",
    })
    void specialAddresses(String literal, String kind) throws Exception {
        assertThat(SpecialAddresses.classify(InetAddress.getByName(literal))).isEqualTo(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700:4700::1111", "64:ff9b::808:808"})
    void publicAddresses(String literal) throws Exception {
        assertThat(SpecialAddresses.classify(InetAddress.getByName(literal))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "127.1", "0x7f.0.0.1", "1.2.3", "::zz", "256.1.1.1"})
    void onlyStrictLiteralsAreLiterals(String host) {
        assertThat(SpecialAddresses.literal(host)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"metadata.google.internal", "METADATA.GOOGLE.INTERNAL", "metadata.google.internal.", "metadata.goog"})
    void metadataNames(String host) {
        assertThat(SpecialAddresses.isMetadataName(host)).isTrue();
    }
}
