package rlhf.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import rlhf.feedback.v1.Comparison;
import rlhf.kafka.KafkaBrokers;
import rlhf.wire.Topic;

/** Reads rlhf.comparisons of the shared test broker, as a training snapshot would: from the start to the end offsets. */
public final class ComparisonTopic {

    private ComparisonTopic() {
    }

    static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokers.shared().bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Records on the topic, all partitions. */
    public static long records() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The newest record of an id, or null. */
    public static Comparison lastOrNull(String id) throws Exception {
        Comparison last = null;
        for (ConsumerRecord<String, byte[]> r : all()) {
            if (id.equals(r.key())) {
                last = Comparison.parseFrom(r.value());
            }
        }
        return last;
    }

    /** Every record, partition by partition. */
    public static List<ConsumerRecord<String, byte[]>> all() {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topic.COMPARISONS.topicName()).forEach(p -> partitions.add(
                new TopicPartition(p.topic(), p.partition())));
        return partitions;
    }
}
