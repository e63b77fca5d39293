package rlhf.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import rlhf.common.v1.ModelKind;
import rlhf.model.v1.ModelVersion;
import rlhf.wire.Topic;

/**
 * Follows {@code rlhf.model-versions} from the beginning (the topic is compacted, so that is the newest
 * announcement per kind plus whatever came since) and hands each announcement of the watched kinds to the
 * listeners, on its own thread. Every replica reads the whole topic (partitions assigned, no consumer group):
 * each must load every new version.
 */
public final class ModelVersionWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelVersionWatcher.class);

    private final Map<String, Object> consumerConfig;
    private final Set<ModelKind> kinds;
    private final List<Consumer<ModelVersion>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /**
     * The consumer is created on the watcher's own thread, which keeps retrying until the cluster answers: a
     * service may boot before its broker (or while its address does not resolve yet) and must still hot-swap.
     */
    public ModelVersionWatcher(String bootstrapServers, String clientId, Set<ModelKind> kinds) {
        this.kinds = Set.copyOf(kinds);
        this.consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.thread = new Thread(this::run, "model-version-watcher");
        this.thread.setDaemon(true);
    }

    /** Adds a listener; call before {@link #start()}. */
    public ModelVersionWatcher onVersion(Consumer<ModelVersion> listener) {
        listeners.add(listener);
        return this;
    }

    public ModelVersionWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        consumer = createConsumer();
        if (consumer == null) {
            return;
        }
        try {
            List<TopicPartition> partitions = assignAll();
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    dispatch(r);
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.errorf(e, "model version watcher stopped: %s", e.getMessage());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private KafkaConsumer<String, byte[]> createConsumer() {
        while (running) {
            try {
                return new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
            } catch (org.apache.kafka.common.KafkaException e) { // e.g. the address does not resolve yet
                LOG.debugf("cannot create the model-version consumer yet: %s", e.getMessage());
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException interrupted) {
                    return null;
                }
            }
        }
        return null;
    }

    private List<TopicPartition> assignAll() {
        while (running) {
            List<org.apache.kafka.common.PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(Topic.MODEL_VERSIONS.topicName(), Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // Kafka not reachable (yet): keep trying, a service may boot before its broker.
                LOG.debugf("waiting for %s: %s", Topic.MODEL_VERSIONS.topicName(), e.getMessage());
                continue;
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                consumer.assign(partitions);
                return partitions;
            }
        }
        return List.of();
    }

    private void dispatch(ConsumerRecord<String, byte[]> r) {
        ModelVersion version;
        try {
            version = ModelVersion.parseFrom(r.value());
        } catch (InvalidProtocolBufferException | NullPointerException e) {
            LOG.warnf("skipping unreadable model-version record at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return;
        }
        if (!kinds.contains(version.getKind())) {
            return;
        }
        for (Consumer<ModelVersion> l : listeners) {
            try {
                l.accept(version);
            } catch (RuntimeException e) {
                LOG.errorf(e, "loading %s v%d failed: %s", version.getKind(), version.getVersion(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
