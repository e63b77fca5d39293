package rlhf.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import rlhf.wire.Topic;

/**
 * Reads a whole topic from the beginning and then follows it, handing every record to one handler on its own thread.
 * Every replica reads every partition (assigned, no consumer group): for state each replica must hold in full, such as
 * the newest model versions or the comparison ids already stored. The consumer is created on that thread, which keeps
 * retrying until the cluster answers, so a service may boot before its broker. {@link #caughtUp()} tells when the
 * records that existed at start have all been handed over.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicFollower.class);

    private final Map<String, Object> consumerConfig;
    private final Topic topic;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<String, byte[]> consumer;

    public TopicFollower(String bootstrapServers, String clientId, Topic topic,
            Consumer<ConsumerRecord<String, byte[]>> handler) {
        this(bootstrapServers, clientId, topic, Map.of(), handler);
    }

    /**
     * @param consumerSettings more consumer settings, e.g. {@code fetch.min.bytes} and {@code fetch.max.wait.ms} for a
     *                         busy topic whose records may be handed over in batches a few milliseconds late
     */
    public TopicFollower(String bootstrapServers, String clientId, Topic topic, Map<String, Object> consumerSettings,
            Consumer<ConsumerRecord<String, byte[]>> handler) {
        this.topic = topic;
        this.handler = handler;
        Map<String, Object> config = new java.util.HashMap<>(consumerSettings);
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        this.consumerConfig = Map.copyOf(config);
        this.thread = new Thread(this::run, topic.topicName() + "-follower");
        this.thread.setDaemon(true);
    }

    public TopicFollower start() {
        thread.start();
        return this;
    }

    /** True once every record that was on the topic when following began has been handed to the handler. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        consumer = createConsumer();
        if (consumer == null) {
            return;
        }
        try {
            List<TopicPartition> partitions = assignAll();
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    handle(r);
                }
                if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    LOG.debugf("%s: read up to the end offsets of the start", topic.topicName());
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s follower stopped: %s", topic.topicName(), e.getMessage());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        try {
            handler.accept(r);
        } catch (RuntimeException e) {
            LOG.errorf(e, "handling %s-%d@%d failed: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    private KafkaConsumer<String, byte[]> createConsumer() {
        while (running) {
            try {
                return new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
            } catch (KafkaException e) { // e.g. the address does not resolve yet
                LOG.debugf("cannot create the %s consumer yet: %s", topic.topicName(), e.getMessage());
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
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic.topicName(), Duration.ofSeconds(5));
            } catch (TimeoutException e) {
                // Kafka not reachable (yet): keep trying, a service may boot before its broker.
                LOG.debugf("waiting for %s: %s", topic.topicName(), e.getMessage());
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
