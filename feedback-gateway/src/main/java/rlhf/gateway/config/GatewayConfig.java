package rlhf.gateway.config;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/** Settings of the feedback gateway; validated at boot, so a value out of bounds stops it naming the key. */
@ConfigMapping(prefix = "rlhf.gateway")
public interface GatewayConfig {

    /** Longest prompt or answer accepted, in characters. */
    @WithDefault("8000")
    @Min(1)
    @Max(1_000_000)
    int maxTextChars();

    /** Most answers (K) one comparison may rank; InstructGPT ranked 4..9. */
    @WithDefault("9")
    @Min(2)
    @Max(64)
    int maxAnswers();

    /** Most prompts accepted per user (InstructGPT capped users at 200 so no one dominates the data). */
    @WithDefault("200")
    @Min(1)
    @Max(1_000_000)
    int maxPromptsPerUser();

    /** Share of users whose comparisons go to the validation split. */
    @WithDefault("0.1")
    @DecimalMin("0.0")
    @DecimalMax("0.5")
    double validationFraction();

    /** Share of users whose comparisons go to the test split. */
    @WithDefault("0.1")
    @DecimalMin("0.0")
    @DecimalMax("0.5")
    double testFraction();

    /** Region (ISO 3166) for phone numbers written without a country code, when scrubbing them. */
    @WithDefault("US")
    @Pattern(regexp = "[A-Z]{2}")
    String phoneRegion();

    /** How long an append may wait for all in-sync replicas before the submission fails (UNAVAILABLE / 503). */
    @WithDefault("10s")
    @DurationMin(millis = 100)
    @DurationMax(seconds = 120)
    Duration appendTimeout();

    /** Most comparisons in one REST batch or gRPC stream. */
    @WithDefault("1000")
    @Min(1)
    @Max(100_000)
    int maxBatchItems();

    /** Largest body of one REST submission, in bytes (larger: 413); batches are bounded by the HTTP limit. */
    @WithDefault("1048576")
    @Min(1024)
    @Max(16_777_216)
    int maxSubmissionBytes();
}
