package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import rlhf.kafka.KafkaBrokers;

/** The readiness check against a real broker and against an address where nothing listens. */
class KafkaReadinessCheckTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void upWithClusterIdWhenTheBrokerAnswers() {
        KafkaReadinessCheck check = new KafkaReadinessCheck(config(KafkaBrokers.shared().bootstrapServers()), registry);
        try {
            HealthCheckResponse response = check.call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(response.getData().orElseThrow()).containsKey("cluster.id").containsEntry("brokers", 1L);
            assertThat(registry.get("rlhf.kafka.reachable").gauge().value()).isEqualTo(1.0);
        } finally {
            check.closeAdmin();
        }
    }

    @Test
    void downWithAReasonNamingTheAddressWhenNothingListens() {
        KafkaReadinessCheck check = new KafkaReadinessCheck(config("localhost:1"), registry);
        try {
            HealthCheckResponse response = check.call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat((String) response.getData().orElseThrow().get("reason"))
                    .contains("Kafka unreachable at localhost:1").contains("rlhf.kafka.bootstrap-servers");
            assertThat(registry.get("rlhf.kafka.reachable").gauge().value()).isEqualTo(0.0);
        } finally {
            check.closeAdmin();
        }
    }

    @Test
    void downNotThrowingWhenTheAddressCannotBeResolved() {
        KafkaReadinessCheck check = new KafkaReadinessCheck(config("no-such-host.invalid:9092"), registry);
        HealthCheckResponse response = check.call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat((String) response.getData().orElseThrow().get("reason")).contains("no-such-host.invalid:9092");
    }

    private static KafkaConnectionConfig config(String servers) {
        return new KafkaConnectionConfig() {
            @Override
            public String bootstrapServers() {
                return servers;
            }

            @Override
            public Duration healthTimeout() {
                return Duration.ofMillis(1500);
            }
        };
    }
}
