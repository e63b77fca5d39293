package rlhf.gateway.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

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

    /**
     * The API keys, by name: {@code rlhf.gateway.keys.<name>.token}, {@code .role}, and for a labeler key
     * {@code .labeler-id} (in production the tokens come from a Kubernetes Secret through the environment, e.g.
     * {@code RLHF_GATEWAY_KEYS_CHAT_TOKEN}). None configured: every call is refused (401).
     */
    Map<String, ApiKey> keys();

    /** One API key. */
    interface ApiKey {
        /** The bearer token; at least 16 characters. */
        @Size(min = 16, max = 512)
        String token();

        /** What the key may do. */
        Role role();

        /** For a labeler key: the labeler it speaks for (a labeler may not submit as another). */
        Optional<String> labelerId();

        /** Comparisons per second this key may submit (a burst of twice that is absorbed). */
        @WithDefault("1000")
        @Min(1)
        @Max(1_000_000)
        int perSecond();
    }

    /** Roles of the API keys. */
    enum Role {
        /** The chat frontend: submits the users' own choices. */
        FRONTEND,
        /** A labeler (the labeling page, or an import tool acting for one): submits rankings as itself. */
        LABELER,
        /** Operators: everything, including erasure. */
        ADMIN
    }

    /** Comparisons per second one user id may submit (a burst of twice that is absorbed). */
    @WithDefault("5")
    @Min(1)
    @Max(100_000)
    int perUserPerSecond();

    /** The chat API and page. */
    Chat chat();

    /** The chat API: how answers are asked of policy-service ({@code quarkus.grpc.clients.policy.*}) and signed. */
    interface Chat {
        /**
         * The HMAC-SHA256 key that signs every served answer's reference, at least 32 characters; in production from
         * a Kubernetes Secret ({@code RLHF_GATEWAY_CHAT_ANSWER_KEY}), the same for every replica. Unset: a random key
         * per process (references then hold only on the replica that served them, until it restarts).
         */
        Optional<@Size(min = 32, max = 512) String> answerKey();

        /** How long a chat answer may take at policy-service (then 504). */
        @WithDefault("30s")
        @DurationMin(millis = 100)
        @DurationMax(seconds = 600)
        Duration deadline();

        /** Most tokens of one answer. */
        @WithDefault("64")
        @Min(1)
        @Max(4096)
        int maxNewTokens();

        /** Sampling temperature of chat answers (the task world judges at 1). */
        @WithDefault("1.0")
        @DecimalMin("0.0")
        @DecimalMax("5.0")
        double temperature();

        /** Most turns of one conversation. */
        @WithDefault("64")
        @Min(1)
        @Max(1024)
        int maxTurns();
    }

    /** The labeling queue. */
    Labeling labeling();

    /** The labeling queue: prompts in (admin), tasks of K answers of the current policy out (labelers). */
    interface Labeling {
        /** Fewest answers per task. */
        @WithDefault("4")
        @Min(2)
        @Max(9)
        int minAnswers();

        /** Most answers per task (InstructGPT: 9). */
        @WithDefault("9")
        @Min(2)
        @Max(9)
        int maxAnswers();

        /** Share of tasks given to two labelers, so their agreement can be measured. */
        @WithDefault("0.1")
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        double doubleLabeledShare();

        /** Most prompts waiting in the queue (more: 429). */
        @WithDefault("100000")
        @Min(1)
        @Max(10_000_000)
        int maxQueued();

        /** Seed of the queue's choices (K per task, which tasks are doubly labeled). */
        @WithDefault("17")
        long seed();
    }
}
