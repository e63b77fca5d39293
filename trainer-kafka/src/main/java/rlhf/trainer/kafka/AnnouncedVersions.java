package rlhf.trainer.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.google.protobuf.InvalidProtocolBufferException;
import rlhf.common.v1.ModelKind;
import rlhf.model.v1.ModelVersion;
import rlhf.wire.Topic;

/** What {@code rlhf.model-versions} holds: whether a version was ever announced (read from the start to the end). */
public final class AnnouncedVersions {

    private AnnouncedVersions() {
    }

    /**
     * Whether {@code kind/v<version>} is among the announcements now on the topic.
     *
     * @throws IllegalStateException the topic cannot be read to its end within {@code timeout}
     */
    public static boolean contains(String bootstrapServers, ModelKind kind, long version, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "trainer-announced-versions",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.MODEL_VERSIONS.topicName(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topic.MODEL_VERSIONS.topicName()
                            + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && matches(r.value(), kind, version)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static boolean matches(byte[] value, ModelKind kind, long version) {
        try {
            ModelVersion v = ModelVersion.parseFrom(value);
            return v.getKind() == kind && v.getVersion() == version;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }
}
