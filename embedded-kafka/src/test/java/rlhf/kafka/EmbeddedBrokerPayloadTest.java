package rlhf.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.wire.Topic;

/** Every Kafka payload of the contract through the real in-JVM KRaft broker. */
class EmbeddedBrokerPayloadTest {

    @Test
    void everyPayloadTypeRoundTripsAsPlainProtobufBytes(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir)) {
            assertThat(TopicAdmin.ensureTopics(broker.bootstrapServers(), (short) 1)).hasSize(Topic.values().length);
            PayloadRoundTrip.verify(broker.bootstrapServers());
            // A second call finds every topic present and creates nothing.
            assertThat(TopicAdmin.ensureTopics(broker.bootstrapServers(), (short) 1)).isEmpty();
        }
    }

    @Test
    void topicTableCoversEveryPayloadOnce() {
        assertThat(SamplePayloads.all().keySet()).containsExactlyInAnyOrder(Topic.values());
        for (Topic t : Topic.values()) {
            assertThat(Topic.byName(t.topicName())).isSameAs(t);
            assertThat(t.payloadType()).isEqualTo(SamplePayloads.all().get(t).value().getClass());
        }
    }
}
