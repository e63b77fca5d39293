package rlhf.policy.config;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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

    /** max_new_tokens used when a request leaves it 0. */
    @WithDefault("64")
    @Min(1)
    @Max(4096)
    int defaultMaxNewTokens();

    /** Most sequences the server batches into one forward pass. */
    @WithDefault("32")
    @Min(1)
    @Max(512)
    int maxBatchSize();

    /** How long a request may wait for others to join its batch. */
    @WithDefault("5ms")
    @DurationMax(seconds = 1)
    Duration maxBatchWait();

    /** Stored versions kept loaded at once (the newest plus recently requested ones). */
    @WithDefault("2")
    @Min(1)
    @Max(16)
    int loadedVersions();
}
