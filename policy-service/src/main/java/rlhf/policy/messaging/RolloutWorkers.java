package rlhf.policy.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import rlhf.policy.config.PolicyServiceConfig;
import rlhf.policy.metrics.PolicyMetrics;
import rlhf.policy.service.RolloutSampler;
import rlhf.service.KafkaConnectionConfig;

/**
 * Starts the PPO rollout workers ({@code rlhf.policy.rollout.*}): consumer threads in one group, so replicas share
 * the partitions of {@code rlhf.prompts}, and one idempotent producer ({@code acks=all}) for rollouts and dead letters.
 */
@ApplicationScoped
public class RolloutWorkers {

    private static final Logger LOG = Logger.getLogger(RolloutWorkers.class);

    private final PolicyServiceConfig config;
    private final KafkaConnectionConfig kafka;
    private final RolloutSampler sampler;
    private final PolicyMetrics metrics;
    private final List<RolloutWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;

    public RolloutWorkers(PolicyServiceConfig config, KafkaConnectionConfig kafka, RolloutSampler sampler,
            PolicyMetrics metrics) {
        this.config = config;
        this.kafka = kafka;
        this.sampler = sampler;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        PolicyServiceConfig.Rollout rollout = config.rollout();
        if (!rollout.enabled()) {
            LOG.info("rollout workers disabled (rlhf.policy.rollout.enabled=false)");
            return;
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "policy-rollouts",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
        String instance = System.getenv().getOrDefault("HOSTNAME", "local");
        for (int i = 0; i < rollout.workers(); i++) {
            String name = "policy-service/rollout-worker-" + i + "@" + instance;
            RolloutWorker worker = new RolloutWorker(name, consumer(rollout, i), producer, sampler, metrics,
                    config.scoring().initialBackoff());
            Thread thread = new Thread(worker, "rollout-worker-" + i);
            thread.setDaemon(true);
            workers.add(worker);
            threads.add(thread);
            thread.start();
        }
        LOG.infof("%d rollout worker(s) in group %s consume rlhf.prompts", rollout.workers(), rollout.groupId());
    }

    private KafkaConsumer<byte[], byte[]> consumer(PolicyServiceConfig.Rollout rollout, int index) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, rollout.groupId(),
                ConsumerConfig.CLIENT_ID_CONFIG, "policy-rollout-worker-" + index,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", // a new group starts with the prompts already waiting
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, rollout.maxPollRecords(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) rollout.sessionTimeout().toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, rollout.sessionTimeout().toMillis() / 5)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void onStop(@Observes ShutdownEvent event) {
        workers.forEach(RolloutWorker::stop);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
