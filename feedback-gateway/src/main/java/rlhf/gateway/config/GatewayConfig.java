package rlhf.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

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
}
