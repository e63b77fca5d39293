package rlhf.kafka;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same round trip against Apache Kafka in Docker; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerBrokerPayloadTest {

    @Test
    void everyPayloadTypeRoundTripsOnKafkaInDocker() throws Exception {
        try (ContainerKafkaBroker broker = ContainerKafkaBroker.start()) {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), (short) 1);
            PayloadRoundTrip.verify(broker.bootstrapServers());
        }
    }
}
