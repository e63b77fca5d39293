package rlhf.demo.soak;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.google.protobuf.InvalidProtocolBufferException;

import rlhf.common.v1.ModelKind;
import rlhf.model.v1.ModelVersion;
import rlhf.wire.Topic;

/**
 * Follows {@code rlhf.model-versions} from its end, as the model services do, and tells a listener about every
 * policy version a PPO iteration published (one with a policy parent; the copy of SFT a first PPO job starts from has
 * none), with the broker's record time.
 */
final class PolicyAnnouncements implements AutoCloseable {

    /** Hears of each PPO iteration's policy version when it is announced. */
    interface Listener {
        void published(long version, long announcedAtMillis);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicLong newestPolicy = new AtomicLong();

    PolicyAnnouncements(String bootstrapServers, Listener listener) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(Topic.MODEL_VERSIONS.topicName(), 0); // one partition: ordered
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition, Duration.ofSeconds(30)); // pin "the end" now, before any load starts
        thread = new Thread(() -> follow(listener), "soak-announcements");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow(Listener listener) {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    ModelVersion v = parse(record.value());
                    if (v != null && v.getKind() == ModelKind.MODEL_KIND_POLICY) {
                        newestPolicy.accumulateAndGet(v.getVersion(), Math::max);
                        if (v.getParentsList().stream().anyMatch(p -> p.getKind() == ModelKind.MODEL_KIND_POLICY)) {
                            listener.published(v.getVersion(), record.timestamp());
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closed
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static ModelVersion parse(byte[] value) {
        try {
            return ModelVersion.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return null; // not ours to judge: the model services dead-letter it
        }
    }

    /** The newest policy version announced since this soak began (0: none). */
    long newestPolicy() {
        return newestPolicy.get();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
    }
}
