package rlhf.policy.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import rlhf.policy.mapping.PolicyRequests;
import rlhf.policy.mapping.RolloutRecords;
import rlhf.policy.metrics.PolicyMetrics;
import rlhf.policy.service.RolloutSampler;
import rlhf.policy.service.RolloutTask;
import rlhf.policy.service.ScoredRollouts;
import rlhf.policy.service.ScoringFailedException;
import rlhf.policy.v1.Rollout;
import rlhf.policy.v1.RolloutRequest;
import rlhf.service.GrpcErrors;
import rlhf.service.InvalidInputException;
import rlhf.wire.Topic;

/**
 * One consumer of {@code rlhf.prompts} in the rollout group. Per poll: every request is started at once (so their
 * generations share engine calls), each sampled and scored; then the rollouts, or the dead letters of records that
 * cannot be processed, are published and acknowledged ({@code acks=all}), and only then are the offsets committed.
 * A crash anywhere before the commit re-delivers the records (at least once). A record that failed only because
 * the server was busy is not committed: its partition is rewound to it and it is polled again after a pause.
 */
final class RolloutWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(RolloutWorker.class);
    private static final String PROMPTS = Topic.PROMPTS.topicName();

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final RolloutSampler sampler;
    private final PolicyMetrics metrics;
    private final Duration retryPause;
    private volatile boolean running = true;

    RolloutWorker(String name, KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
            RolloutSampler sampler, PolicyMetrics metrics, Duration retryPause) {
        this.name = name;
        this.consumer = consumer;
        this.producer = producer;
        this.sampler = sampler;
        this.metrics = metrics;
        this.retryPause = retryPause;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(PROMPTS));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    process(records);
                }
            }
        } catch (WakeupException e) {
            // stop() woke the consumer
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s stopped: %s", name, e.getMessage());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        Map<ConsumerRecord<byte[], byte[]>, CompletableFuture<RecordOutcome>> outcomes = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            outcomes.put(r, start(r));
        }
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> done = new LinkedHashMap<>();
        Map<TopicPartition, Long> rewind = new HashMap<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        Map<String, Integer> deadLetters = new HashMap<>();
        int rollouts = 0;
        for (var entry : outcomes.entrySet()) {
            ConsumerRecord<byte[], byte[]> r = entry.getKey();
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (rewind.containsKey(tp)) {
                continue; // an earlier record of this partition must be retried first: keep their order
            }
            RecordOutcome outcome = await(entry.getValue());
            if (outcome == null) {
                return; // shutting down: nothing committed, the records come again
            }
            if (outcome instanceof RecordOutcome.Retry retry) {
                LOG.infof("%s: %s-%d@%d will be retried: %s", name, r.topic(), r.partition(), r.offset(), retry.cause());
                rewind.put(tp, r.offset());
                continue;
            }
            if (outcome instanceof RecordOutcome.Rollouts ok) {
                for (Rollout rollout : ok.rollouts()) {
                    sends.add(producer.send(new ProducerRecord<>(Topic.ROLLOUTS.topicName(), utf8(ok.promptId()),
                            rollout.toByteArray())));
                }
                rollouts += ok.rollouts().size();
            } else if (outcome instanceof RecordOutcome.Dead dead) {
                LOG.warnf("%s: %s-%d@%d dead-lettered (%s): %s", name, r.topic(), r.partition(), r.offset(),
                        dead.letter().getErrorClass(), dead.letter().getReason());
                sends.add(producer.send(new ProducerRecord<>(Topic.DEAD_LETTER.topicName(), utf8(PROMPTS),
                        dead.letter().toByteArray())));
                deadLetters.merge(dead.letter().getErrorClass(), 1, Integer::sum);
            }
            done.computeIfAbsent(tp, k -> new ArrayList<>()).add(r);
        }
        if (!acknowledged(sends)) {
            rewindAll(records);
            return;
        }
        metrics.rolloutsPublished(rollouts);
        deadLetters.forEach(metrics::deadLettered);
        commit(done);
        if (!rewind.isEmpty()) {
            rewind.forEach(consumer::seek);
            pause();
        }
    }

    /** Parses, samples and scores one record; never fails: every failure becomes an outcome. */
    private CompletableFuture<RecordOutcome> start(ConsumerRecord<byte[], byte[]> r) {
        RolloutTask task;
        try {
            if (r.value() == null || r.value().length == 0) {
                throw new InvalidInputException("value", "empty record");
            }
            task = PolicyRequests.rollout(RolloutRequest.parseFrom(r.value()));
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.completedFuture(dead(r, "value: not a rlhf.policy.v1.RolloutRequest ("
                    + e.getMessage() + ")", "INVALID_PAYLOAD"));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(classify(r, e));
        }
        return sampler.run(task).handle((scored, failure) -> failure == null ? published(scored) : classify(r, failure));
    }

    private static RecordOutcome published(ScoredRollouts scored) {
        return new RecordOutcome.Rollouts(scored.task().promptId(), RolloutRecords.rollouts(scored, Instant.now()));
    }

    private RecordOutcome classify(ConsumerRecord<byte[], byte[]> r, Throwable failure) {
        Throwable e = GrpcErrors.unwrap(failure);
        if (e instanceof InvalidInputException) {
            return dead(r, e.getMessage(), "INVALID_PAYLOAD");
        }
        if (e instanceof ScoringFailedException) {
            return dead(r, e.getMessage(), "SCORING_FAILED");
        }
        if (e instanceof StatusRuntimeException s) {
            Status.Code code = s.getStatus().getCode();
            String description = s.getStatus().getDescription() == null ? code.name() : s.getStatus().getDescription();
            if (code == Status.Code.NOT_FOUND) {
                return dead(r, description, "UNKNOWN_VERSION");
            }
            if (code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNAVAILABLE) {
                return new RecordOutcome.Retry(code + ": " + description);
            }
            return dead(r, "generation: " + code + ": " + description, "GENERATION_FAILED");
        }
        LOG.errorf(e, "%s: unexpected failure on %s-%d@%d", name, r.topic(), r.partition(), r.offset());
        return dead(r, "generation: " + e.getClass().getSimpleName() + ": " + e.getMessage(), "GENERATION_FAILED");
    }

    private RecordOutcome dead(ConsumerRecord<byte[], byte[]> r, String reason, String errorClass) {
        return new RecordOutcome.Dead(RolloutRecords.deadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(),
                reason, errorClass, name, Instant.now()));
    }

    /** Waits for one record's outcome; null when the worker is stopping. */
    private RecordOutcome await(CompletableFuture<RecordOutcome> outcome) {
        while (true) {
            try {
                return outcome.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!running) {
                    outcome.cancel(false);
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException("outcomes never fail", e);
            }
        }
    }

    /** True once Kafka acknowledged every send (acks=all); false (logged) if any failed. */
    private boolean acknowledged(List<Future<RecordMetadata>> sends) {
        producer.flush();
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
            return true;
        } catch (ExecutionException | KafkaException e) {
            LOG.errorf("%s: publishing failed, the polled records will be processed again: %s", name,
                    GrpcErrors.unwrap(e).getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void commit(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> done) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        done.forEach((tp, recs) -> offsets.put(tp, new OffsetAndMetadata(recs.get(recs.size() - 1).offset() + 1)));
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) { // e.g. a rebalance took the partitions: their new owner processes them again
            LOG.warnf("%s: commit failed, records may be processed again: %s", name, e.getMessage());
        }
    }

    private void rewindAll(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
        pause();
    }

    private void pause() {
        try {
            Thread.sleep(retryPause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
