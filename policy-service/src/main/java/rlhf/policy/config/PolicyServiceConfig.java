package rlhf.policy.config;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** Settings of the policy service; validated at boot, so a value out of bounds stops it naming the key. */
@ConfigMapping(prefix = "rlhf.policy")
public interface PolicyServiceConfig {

    /** Root folder of the model store ({@code <store>/<kind>/v<N>/…}); defaults to the shared {@code rlhf.model-store}. */
    @WithDefault("${rlhf.model-store:model-store}")
    @NotBlank
    String modelStore();

    /** Most samples one Generate call may ask for (its {@code n}). */
    @WithDefault("16")
    @Min(1)
    @Max(64)
    int maxSamplesPerRequest();

    /** max_new_tokens used when a request leaves it 0 (clipped to the room the prompt leaves in the context). */
    @WithDefault("64")
    @Min(1)
    @Max(4096)
    int defaultMaxNewTokens();

    /** Most new tokens a request may ask for explicitly (the model's context bounds it further). */
    @WithDefault("1024")
    @Min(1)
    @Max(32768)
    int maxNewTokens();

    /**
     * Longest prompt accepted, in characters: {@code prompt.text}, or all turns of {@code prompt.chat} together
     * (longer: INVALID_ARGUMENT before tokenizing; the model's context bounds the prompt's tokens further).
     */
    @WithDefault("100000")
    @Min(1)
    @Max(4_000_000)
    int maxPromptChars();

    /** Most turns of a chat prompt ({@code prompt.chat.messages}). */
    @WithDefault("256")
    @Min(1)
    @Max(65536)
    int maxChatMessages();

    /** Most stop sequences of one request ({@code sampling.stop}); each is matched after every sampled token. */
    @WithDefault("16")
    @Min(0)
    @Max(1024)
    int maxStopSequences();

    /** Longest stop sequence, in characters. */
    @WithDefault("256")
    @Min(1)
    @Max(65536)
    int maxStopChars();

    /** Most sequences the server batches into one forward pass. */
    @WithDefault("32")
    @Min(1)
    @Max(512)
    int maxBatchSize();

    /** How long a request may wait for others to join its batch. */
    @WithDefault("5ms")
    @DurationMax(seconds = 1)
    Duration maxBatchWait();

    /** Requests waiting for generation per loaded version; beyond it calls fail fast with RESOURCE_EXHAUSTED. */
    @WithDefault("256")
    @Min(1)
    @Max(65536)
    int maxQueuedRequests();

    /** Stored versions kept loaded at once per kind (base, SFT, policy): the served one plus recently requested ones. */
    @WithDefault("2")
    @Min(1)
    @Max(16)
    int loadedVersions();

    /** How the service calls the reward service (BestOfN and rollouts). */
    @Valid
    Scoring scoring();

    /** The PPO rollout workers. */
    @Valid
    Rollout rollout();

    /** Calls to the reward service's ScoreBatch: deadline and retries (only UNAVAILABLE is retried). */
    interface Scoring {

        /** Deadline of one ScoreBatch attempt. */
        @WithDefault("30s")
        @DurationMin(millis = 10)
        @DurationMax(seconds = 600)
        Duration deadline();

        /** Attempts in all (1 = no retry) while the reward service answers UNAVAILABLE. */
        @WithDefault("4")
        @Min(1)
        @Max(20)
        int maxAttempts();

        /** Wait before the first retry; doubled after each further UNAVAILABLE. */
        @WithDefault("200ms")
        @DurationMin(millis = 1)
        @DurationMax(seconds = 60)
        Duration initialBackoff();
    }

    /** Consumers of {@code rlhf.prompts} that sample, score and publish {@code rlhf.rollouts}. */
    interface Rollout {

        /** Whether this replica runs rollout workers at all (a serving-only replica sets false). */
        @WithDefault("true")
        boolean enabled();

        /** Kafka consumer group: replicas with the same group share the prompt partitions. */
        @WithDefault("policy-rollout-workers")
        @NotBlank
        String groupId();

        /** Consumer threads in this replica (each owns some partitions; generation is batched across them). */
        @WithDefault("1")
        @Min(1)
        @Max(64)
        int workers();

        /** Most RolloutRequests taken per poll; their generations share engine calls. */
        @WithDefault("16")
        @Min(1)
        @Max(1024)
        int maxPollRecords();

        /** Threads that wait on the reward service, so the requests of one poll are scored concurrently. */
        @WithDefault("4")
        @Min(1)
        @Max(64)
        int scoringThreads();

        /**
         * Kafka's {@code session.timeout.ms} of the rollout consumers: how long after a replica dies without leaving
         * the group (SIGKILL, a lost node) its prompt partitions move to the replicas that live, which then re-read the
         * requests it had not committed. Between the broker's group.min/max.session.timeout.ms (6 s .. 30 min).
         */
        @WithDefault("45s")
        @DurationMin(seconds = 6)
        @DurationMax(minutes = 30)
        Duration sessionTimeout();
    }
}
