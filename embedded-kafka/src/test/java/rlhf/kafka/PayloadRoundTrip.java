package rlhf.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;

import rlhf.wire.Topic;

/**
 * Writes every payload type of the topic table to a broker as plain protobuf bytes and reads it back, with a
 * consumer that knows nothing of our classes (byte[] values decoded by protobuf-java's DynamicMessage).
 */
final class PayloadRoundTrip {

    private PayloadRoundTrip() {
    }

    static void verify(String bootstrapServers) throws Exception {
        assertTopicsAsInTable(bootstrapServers);
        Map<Topic, SamplePayloads.Keyed> samples = SamplePayloads.all();
        Map<Topic, RecordMetadata> written = produce(bootstrapServers, samples);
        for (Map.Entry<Topic, SamplePayloads.Keyed> e : samples.entrySet()) {
            ConsumerRecord<String, byte[]> read = readAt(bootstrapServers, written.get(e.getKey()));
            Message expected = e.getValue().value();
            assertThat(read.key()).as("key of %s", e.getKey()).isEqualTo(e.getValue().key());
            // Plain protobuf bytes: exactly the message's own serialization, no magic byte or length prefix.
            assertThat(read.value()).as("bytes of %s", e.getKey()).isEqualTo(expected.toByteArray());
            assertThat(e.getKey().parse(read.value())).as("typed %s", e.getKey()).isEqualTo(expected);
            DynamicMessage generic = DynamicMessage.parseFrom(expected.getDescriptorForType(), read.value());
            assertThat(generic.getUnknownFields().asMap()).as("unknown fields in %s", e.getKey()).isEmpty();
            assertThat(generic.toByteString()).isEqualTo(expected.toByteString());
        }
    }

    private static void assertTopicsAsInTable(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<String> names = new ArrayList<>();
            for (Topic t : Topic.values()) {
                names.add(t.topicName());
            }
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            for (Topic t : Topic.values()) {
                assertThat(described.get(t.topicName()).partitions()).as("partitions of %s", t.topicName())
                        .hasSize(t.partitions());
            }
        }
    }

    private static Map<Topic, RecordMetadata> produce(String bootstrapServers,
            Map<Topic, SamplePayloads.Keyed> samples) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<Topic, RecordMetadata> written = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<Topic, SamplePayloads.Keyed> e : samples.entrySet()) {
                written.put(e.getKey(), producer.send(new ProducerRecord<>(e.getKey().topicName(),
                        e.getValue().key(), e.getValue().value().toByteArray())).get(30, TimeUnit.SECONDS));
            }
        }
        return written;
    }

    private static ConsumerRecord<String, byte[]> readAt(String bootstrapServers, RecordMetadata at) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(at.topic(), at.partition());
            consumer.assign(List.of(tp));
            consumer.seek(tp, at.offset());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == at.offset()) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("record " + at + " not read back within 30 s");
    }
}
