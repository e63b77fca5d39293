package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TlsSwitchTest {

    @Test
    void theSwitchIsTrueOrFalseAndNothingElse() {
        assertThat(TlsSwitch.enabled(null)).isFalse();
        assertThat(TlsSwitch.enabled("false")).isFalse();
        assertThat(TlsSwitch.enabled("TRUE")).isTrue();
        assertThatThrownBy(() -> TlsSwitch.enabled("yes")).hasMessageContaining("rlhf.tls.enabled")
                .hasMessageContaining("'yes'");
    }

    @Test
    void everyDeclaredGrpcClientIsFoundOnceAndProfileKeysAreNot() {
        assertThat(TlsSwitch.grpcClients(List.of("quarkus.grpc.clients.reward.host", "quarkus.grpc.clients.reward.port",
                "quarkus.grpc.clients.policy.port", "%test.quarkus.grpc.clients.other.port",
                "quarkus.grpc.clients.reward.deadline", "quarkus.http.port").iterator()))
                .containsExactly("policy", "reward");
    }

    @Test
    void theServerTakesTlsOnItsOwnPortRefusesPlainTrafficAndEachClientTrustsTheConfiguredCertificates() {
        var keys = TlsSwitch.quarkusKeys(Set.of("reward"));
        assertThat(keys).containsEntry("quarkus.http.tls-configuration-name", "rlhf")
                .containsEntry("quarkus.http.ssl-port", "${quarkus.http.port}")
                .containsEntry("quarkus.http.insecure-requests", "disabled")
                .containsEntry("quarkus.tls.rlhf.key-store.pem.service.cert", "${rlhf.tls.certificate}")
                .containsEntry("quarkus.tls.rlhf.key-store.pem.service.key", "${rlhf.tls.key}")
                .containsEntry("quarkus.grpc.clients.reward.plain-text", "false")
                .containsEntry("quarkus.grpc.clients.reward.ssl.trust-store",
                        "${rlhf.tls.trust-certificates:${rlhf.tls.certificate}}")
                .containsEntry("quarkus.grpc.clients.reward.tls-configuration-name", "rlhf");
        assertThat(TlsSwitch.quarkusKeys(Set.of())).doesNotContainKey("quarkus.grpc.clients.reward.plain-text");
        assertThat(TlsSwitch.environmentName("rlhf.tls.trust-certificates")).isEqualTo("RLHF_TLS_TRUST_CERTIFICATES");
    }
}
