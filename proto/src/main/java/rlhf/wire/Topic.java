package rlhf.wire;

import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.UserErasure;
import rlhf.model.v1.ModelVersion;
import rlhf.ops.v1.DeadLetter;
import rlhf.policy.v1.Rollout;
import rlhf.policy.v1.RolloutRequest;

/**
 * The Kafka topic table of the contract: name, key, payload type, partitions and topic configs of every topic.
 *
 * <p>Values are plain protobuf bytes of the payload message (no framing, no schema registry), so any Kafka
 * client with a protobuf decoder reads them; keys are UTF-8 strings.
 */
public enum Topic {
    /** RolloutRequests from the trainer to the policy rollout workers; partitions bound the worker count. */
    PROMPTS("rlhf.prompts", "prompt id", 6, RolloutRequest.parser(), Map.of()),
    /** Sampled and scored answers from the rollout workers back to the trainer. */
    ROLLOUTS("rlhf.rollouts", "prompt id", 6, Rollout.parser(), Map.of()),
    /** Human comparisons: the training data of every future reward model, so they are kept forever. */
    COMPARISONS("rlhf.comparisons", "comparison id", 6, Comparison.parser(), Map.of("retention.ms", "-1")),
    /**
     * Model version announcements. One partition keeps announcements totally ordered; compaction keeps the
     * newest announcement per kind (the store keeps every version).
     */
    MODEL_VERSIONS("rlhf.model-versions", "model kind", 1, ModelVersion.parser(),
            Map.of("cleanup.policy", "compact")),
    /**
     * Users' erasures: every later training snapshot leaves out their comparisons. Compacted (one record per user
     * suffices) and never deleted, since the erasure must outlive every comparison it covers.
     */
    USER_ERASURES("rlhf.user-erasures", "user id", 1, UserErasure.parser(),
            Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
    /** Records nobody could process, verbatim, with the reason. */
    DEAD_LETTER("rlhf.dead-letter", "source topic", 3, DeadLetter.parser(), Map.of("retention.ms", "-1"));

    private final String topicName;
    private final String key;
    private final int partitions;
    private final Parser<? extends Message> parser;
    private final Map<String, String> configs;

    Topic(String topicName, String key, int partitions, Parser<? extends Message> parser, Map<String, String> configs) {
        this.topicName = topicName;
        this.key = key;
        this.partitions = partitions;
        this.parser = parser;
        this.configs = configs;
    }

    /** The Kafka topic name, e.g. {@code rlhf.prompts}. */
    public String topicName() {
        return topicName;
    }

    /** What the record key holds, in words. */
    public String keyDescription() {
        return key;
    }

    /** Partition count the topic is created with. */
    public int partitions() {
        return partitions;
    }

    /** Topic-level configs the topic is created with (beyond the broker defaults). */
    public Map<String, String> configs() {
        return configs;
    }

    /** The protobuf message class carried as the record value. */
    public Class<? extends Message> payloadType() {
        try {
            return parser.parseFrom(new byte[0]).getClass();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("empty payload must parse", e);
        }
    }

    /** Decodes a record value of this topic. */
    public Message parse(byte[] value) throws InvalidProtocolBufferException {
        return parser.parseFrom(value);
    }

    /** The topic with this name. */
    public static Topic byName(String topicName) {
        for (Topic t : values()) {
            if (t.topicName.equals(topicName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown topic: " + topicName);
    }
}
