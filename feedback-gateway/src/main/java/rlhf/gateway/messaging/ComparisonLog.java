package rlhf.gateway.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.UserErasure;
import rlhf.gateway.config.GatewayConfig;
import rlhf.gateway.service.ContentDigest;
import rlhf.gateway.service.SeenComparisons;
import rlhf.gateway.service.UserPrompts;
import rlhf.service.KafkaConnectionConfig;
import rlhf.service.TopicFollower;
import rlhf.wire.Topic;

/**
 * {@code rlhf.comparisons}, the log of record of human feedback: appends with an idempotent producer that waits for all
 * in-sync replicas (a submission is acknowledged only after that), and follows the topic from its beginning into
 * {@link SeenComparisons}, so the duplicate check holds across restarts and sees what other replicas appended.
 */
@ApplicationScoped
public class ComparisonLog {

    private static final Logger LOG = Logger.getLogger(ComparisonLog.class);

    private final KafkaConnectionConfig kafka;
    private final GatewayConfig config;
    private final SeenComparisons seen = new SeenComparisons();
    private final UserPrompts users = new UserPrompts();
    private final Set<String> erased = ConcurrentHashMap.newKeySet();
    private volatile KafkaProducer<String, byte[]> producer;
    private TopicFollower follower;
    private TopicFollower erasures;

    public ComparisonLog(KafkaConnectionConfig kafka, GatewayConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        // Every append is read back here: waiting for 64 KiB or 50 ms per fetch instead of answering each fetch with
        // whatever one record arrived halves the broker's fetch work under load (P5); another replica's append is
        // seen at most 50 ms later, a race the training snapshot settles anyway (the first record of an id counts).
        follower = new TopicFollower(kafka.bootstrapServers(), "feedback-gateway-comparison-ids", Topic.COMPARISONS,
                Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50),
                this::observe).start();
        erasures = new TopicFollower(kafka.bootstrapServers(), "feedback-gateway-erasures", Topic.USER_ERASURES,
                r -> {
                    if (r.key() != null) {
                        erased.add(r.key()); // the key is the user id
                    }
                }).start();
    }

    /** Has this user been erased (by this replica, or by any replica as read from rlhf.user-erasures)? */
    public boolean erased(String userId) {
        return erased.contains(userId);
    }

    /** The ids on the log, and this replica's appends in flight. */
    public SeenComparisons seen() {
        return seen;
    }

    /** Per user: the prompts that count towards the cap, and the comparisons stored. */
    public UserPrompts users() {
        return users;
    }

    /**
     * True once every comparison and every erasure that was on the log at start is known: before that, a duplicate
     * or an erased user's comparison could pass.
     */
    public boolean caughtUp() {
        return follower != null && follower.caughtUp() && erasures != null && erasures.caughtUp();
    }

    /**
     * Appends one comparison as the caller serialized it ({@code Comparison.toByteArray()}, done once per submission),
     * key = its id; completes once all in-sync replicas have it.
     */
    public CompletableFuture<RecordMetadata> append(String comparisonId, byte[] comparison) {
        return send(Topic.COMPARISONS, comparisonId, comparison);
    }

    /** Records a user's erasure on {@code rlhf.user-erasures}, key = the user id; completes once all replicas have it. */
    public CompletableFuture<RecordMetadata> append(UserErasure erasure) {
        return send(Topic.USER_ERASURES, erasure.getUserId(), erasure.toByteArray()).thenApply(metadata -> {
            erased.add(erasure.getUserId()); // refused here at once, before the follower reads it back
            return metadata;
        });
    }

    private CompletableFuture<RecordMetadata> send(Topic topic, String key, byte[] value) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        producer().send(new ProducerRecord<>(topic.topicName(), key, value), (metadata, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else {
                        done.complete(metadata);
                    }
                });
        return done;
    }

    private void observe(ConsumerRecord<String, byte[]> r) {
        if (r.key() != null && seen.knows(r.key())) {
            // This replica's own append read back, or a later record of a known id: the first record of an id is the
            // one that counts, so there is nothing to learn from it (and no payload to parse and digest).
            return;
        }
        try {
            Comparison c = Comparison.parseFrom(r.value());
            if (seen.observed(c.getComparisonId(), ContentDigest.of(c))) {
                users.stored(c.getUserId(), ContentDigest.ofPrompt(c), c.getOverPromptCap());
            }
        } catch (InvalidProtocolBufferException | NullPointerException e) {
            LOG.warnf("unreadable comparison at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                            ProducerConfig.CLIENT_ID_CONFIG, "feedback-gateway",
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.LINGER_MS_CONFIG, 1,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.appendTimeout().toMillis(),
                            // delivery.timeout.ms must cover linger.ms + request.timeout.ms
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                            (int) Math.min(30_000, config.appendTimeout().toMillis() / 2),
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, config.appendTimeout().toMillis()),
                            new StringSerializer(), new ByteArraySerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (follower != null) {
            follower.close();
        }
        if (erasures != null) {
            erasures.close();
        }
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
