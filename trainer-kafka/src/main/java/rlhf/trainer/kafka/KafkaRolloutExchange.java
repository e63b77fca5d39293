package rlhf.trainer.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.google.protobuf.InvalidProtocolBufferException;
import rlhf.policy.v1.Rollout;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.ppo.RolloutExchange;
import rlhf.trainer.jobs.ppo.RolloutRequestSpec;
import rlhf.trainer.ppo.RolloutSample;
import rlhf.wire.Topic;

/**
 * The PPO job's rollout exchange on Kafka. Requests go to {@code rlhf.prompts} (key: prompt id) through an idempotent
 * producer that waits for all in-sync replicas. Rollouts are read from every partition of {@code rlhf.rollouts} with
 * the offsets of consumer group {@code groupId}, committed only by {@link #commit()} (never automatically), so a run
 * that dies before it publishes re-reads them; a new group starts at the topic's end. The partitions are assigned, not subscribed: the trainer is the
 * topic's only reader, and a PPO update that outlasts {@code max.poll.interval.ms} cannot cost it its partitions.
 * A poll that returns more than an iteration needs is rewound to the first record not handed out. Not thread-safe:
 * the job's thread is its only user.
 */
public final class KafkaRolloutExchange implements RolloutExchange {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration ackTimeout;
    private final Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
    private final Set<String> seen = new HashSet<>();

    public KafkaRolloutExchange(String bootstrapServers, String groupId, Duration ackTimeout) {
        this.ackTimeout = ackTimeout;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "trainer-ppo-requests",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis()),
                new StringSerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.CLIENT_ID_CONFIG, "trainer-ppo-rollouts",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest" /* only after the retention of a committed offset */),
                new StringDeserializer(), new ByteArrayDeserializer());
        startAtCommittedOffsets(partitions(Topic.ROLLOUTS.topicName()));
    }

    /**
     * Assigns the partitions at the group's committed offsets. A group that has none starts at the topic's end (the
     * rollouts already there answer some other trainer's requests) and commits that position at once, before any
     * request goes out: a run that dies before its first commit then leaves its rollouts to the next run.
     */
    private void startAtCommittedOffsets(List<TopicPartition> partitions) {
        consumer.assign(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), ackTimeout);
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (committed.get(partition) == null) {
                consumer.seekToEnd(List.of(partition));
                start.put(partition, new OffsetAndMetadata(consumer.position(partition, ackTimeout)));
            }
        }
        if (!start.isEmpty()) {
            consumer.commitSync(start, ackTimeout);
        }
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, ackTimeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (is it created?)");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    @Override
    public void request(List<RolloutRequestSpec> requests) {
        Instant now = Instant.now();
        List<Future<RecordMetadata>> acks = new ArrayList<>(requests.size());
        for (RolloutRequestSpec spec : requests) {
            acks.add(producer.send(new ProducerRecord<>(Topic.PROMPTS.topicName(), spec.promptId(),
                    Rollouts.request(spec, now).toByteArray())));
        }
        producer.flush();
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        for (Future<RecordMetadata> ack : acks) {
            await(ack, deadline);
        }
    }

    private void await(Future<RecordMetadata> ack, long deadline) {
        try {
            ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("broker rejected a rollout request: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no acknowledgement of the rollout requests within "
                    + ackTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while requesting rollouts", e);
        }
    }

    @Override
    public Gathered gather(int wanted, long minPolicyVersion, Duration timeout, JobMonitor monitor) {
        Tally tally = new Tally(wanted, minPolicyVersion);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!tally.full() && System.nanoTime() < deadline && !monitor.cancelRequested()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
            for (TopicPartition partition : records.partitions()) {
                take(partition, records.records(partition), tally);
            }
        }
        return new Gathered(tally.rollouts, tally.stale, tally.duplicates, tally.invalid);
    }

    /** Hands out a partition's records in order until the tally is full, then rewinds to the first one left. */
    private void take(TopicPartition partition, List<ConsumerRecord<String, byte[]>> records, Tally tally) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (tally.full()) {
                consumer.seek(partition, record.offset());
                return;
            }
            tally.add(parse(record.value()));
            consumed.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
    }

    private static RolloutSample parse(byte[] value) {
        try {
            return Rollouts.sample(Rollout.parseFrom(value == null ? new byte[0] : value));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The gathering of one iteration. */
    private final class Tally {
        private final int wanted;
        private final long minPolicyVersion;
        private final List<RolloutSample> rollouts = new ArrayList<>();
        private int stale;
        private int duplicates;
        private int invalid;

        Tally(int wanted, long minPolicyVersion) {
            this.wanted = wanted;
            this.minPolicyVersion = minPolicyVersion;
        }

        boolean full() {
            return rollouts.size() >= wanted;
        }

        void add(RolloutSample r) {
            if (r == null) {
                invalid++;
            } else if (r.policyVersion() < minPolicyVersion || r.iteration() < minPolicyVersion) {
                stale++;
            } else if (!seen.add(r.key())) {
                duplicates++;
            } else {
                rollouts.add(r);
            }
        }
    }

    @Override
    public void commit() {
        if (!consumed.isEmpty()) {
            consumer.commitSync(Map.copyOf(consumed), ackTimeout);
            consumed.clear();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
