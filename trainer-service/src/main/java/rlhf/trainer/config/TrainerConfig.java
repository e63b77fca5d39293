package rlhf.trainer.config;

import java.time.Duration;
import java.util.Map;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Settings of the trainer; validated at boot, so a value out of bounds stops it naming the key. */
@ConfigMapping(prefix = "rlhf.trainer")
public interface TrainerConfig {

    /**
     * Root folder of the model store ({@code <store>/<kind>/v<N>/…}); the trainer is its only writer. Defaults to
     * the shared {@code rlhf.model-store}.
     */
    @WithDefault("${rlhf.model-store:model-store}")
    @NotBlank
    String modelStore();

    /**
     * Folder where jobs find their data files by conventional name ({@code pretrain-corpus.jsonl},
     * {@code sft-demonstrations.jsonl}, {@code comparisons.jsonl}) unless a job's {@code data} parameter names one.
     */
    @WithDefault("data")
    @NotBlank
    String dataDir();

    /** How often a running job logs a progress line (step, loss, tokens/s). */
    @WithDefault("10s")
    @DurationMin(millis = 100)
    @DurationMax(minutes = 10)
    Duration progressInterval();

    /** How long publishing a version waits for the broker's acknowledgement of its announcement. */
    @WithDefault("30s")
    @DurationMin(millis = 100)
    @DurationMax(minutes = 5)
    Duration announceTimeout();

    /**
     * Consumer group whose committed offsets on {@code rlhf.rollouts} mark the rollouts a PPO job has learned from
     * (committed only after the version trained on them is announced).
     */
    @WithDefault("trainer-ppo")
    @NotBlank
    String ppoGroupId();

    /**
     * The admin API's bearer tokens, by name: {@code rlhf.trainer.keys.<name>.token} and {@code .role} ({@code admin}
     * starts and cancels jobs; {@code read} only looks). In production the token comes from the Secret
     * {@code trainer-admin} through the environment ({@code RLHF_TRAINER_KEYS_OPERATOR_TOKEN}). None configured: every
     * state-changing call is refused (401 / UNAUTHENTICATED).
     */
    Map<String, AdminKey> keys();

    /** One admin API key. */
    interface AdminKey {
        /** The bearer token; at least 16 characters. Never logged. */
        @Size(min = 16, max = 512)
        String token();

        /** What the key may do. */
        Role role();
    }

    /** Roles of the admin API keys. */
    enum Role {
        /** Everything: start and cancel jobs, and read. */
        ADMIN,
        /** Read only: jobs, lineage, the report. */
        READ
    }

    /**
     * Whether the read-only calls (GET /admin/jobs, /admin/lineage, /admin/report, gRPC GetJob and ListJobs) need a
     * key too (either role); by default they are open, as the model store they describe is.
     */
    @WithDefault("false")
    boolean readRequiresToken();

    /**
     * Folder of the job journal (one JSON file per job: kind, parameters, state); default {@code <data-dir>/jobs}. It
     * must outlive the process (a volume in Kubernetes) for an interrupted job to be resumed.
     */
    java.util.Optional<String> journalDir();

    /**
     * Whether a PPO job that the journal records as running when the trainer starts (the process before this one died
     * or was stopped during it) is resumed from the newest published policy with the iterations it had left.
     */
    @WithDefault("true")
    boolean resumeInterrupted();

    /** The weekly online iteration. */
    Online online();

    /** When and how the scheduled online iteration runs. */
    interface Online {
        /**
         * Quartz-style cron of the scheduled {@code ONLINE_ITERATION} (seconds first), in {@link #timeZone()}; {@code off}
         * disables it. Default: Mondays 03:00. A run that finds another job running is skipped, not queued, and a run
         * missed while the trainer was down is not made up: the next one takes every comparison since.
         */
        @WithDefault("0 0 3 ? * MON")
        @NotBlank
        String cron();

        /** Time zone of {@link #cron()}. */
        @WithDefault("UTC")
        @NotBlank
        String timeZone();

        /** Parameters of the scheduled job (the keys of {@code POST /admin/jobs}); every default when empty. */
        java.util.Map<String, String> parameters();
    }
}
