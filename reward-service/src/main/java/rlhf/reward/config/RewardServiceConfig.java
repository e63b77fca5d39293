package rlhf.reward.config;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** Settings of the reward service; validated at boot, so a value out of bounds stops it naming the key. */
@ConfigMapping(prefix = "rlhf.reward")
public interface RewardServiceConfig {

    /** Root folder of the model store ({@code <store>/<kind>/v<N>/…}); defaults to the shared {@code rlhf.model-store}. */
    @WithDefault("${rlhf.model-store:model-store}")
    @NotBlank
    String modelStore();

    /** Most items one ScoreBatch call may carry. */
    @WithDefault("512")
    @Min(1)
    @Max(8192)
    int maxItemsPerRequest();

    /** Most prompt+answer tokens of one item (longer items are rejected with INVALID_ARGUMENT). */
    @WithDefault("1024")
    @Min(8)
    @Max(32768)
    int maxTokensPerItem();

    /**
     * Longest text accepted, in characters: a prompt (all turns of a chat together) or an answer; longer is
     * INVALID_ARGUMENT before tokenizing (max-tokens-per-item bounds the tokens further).
     */
    @WithDefault("100000")
    @Min(1)
    @Max(4_000_000)
    int maxTextChars();

    /** Most turns of a chat prompt. */
    @WithDefault("256")
    @Min(1)
    @Max(65536)
    int maxChatMessages();

    /** Most sequences coalesced into one forward pass across concurrent calls. */
    @WithDefault("64")
    @Min(1)
    @Max(1024)
    int maxBatchSize();

    /** How long a call may wait for others to join its batch. */
    @WithDefault("5ms")
    @DurationMax(seconds = 1)
    Duration maxBatchWait();

    /**
     * Most items waiting for a forward pass per loaded version; beyond it calls fail fast with RESOURCE_EXHAUSTED
     * instead of queueing without bound. At least {@link #maxItemsPerRequest()} (checked at boot), so one maximal
     * ScoreBatch always fits an idle server.
     */
    @WithDefault("4096")
    @Min(1)
    @Max(1_048_576)
    int maxQueuedItems();

    /** Reward model versions kept in memory at once: the current one plus recently requested older ones. */
    @WithDefault("2")
    @Min(1)
    @Max(16)
    int loadedVersions();
}
