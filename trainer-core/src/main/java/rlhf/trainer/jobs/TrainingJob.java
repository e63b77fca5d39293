package rlhf.trainer.jobs;

import java.util.Map;

/** A training job: validated parameters in, one published checkpoint out. Plain Java; adapters run it. */
public interface TrainingJob {

    JobKind kind();

    /** The parameters the job runs with, defaults filled in. */
    Map<String, String> parameters();

    /** Fails with {@link JobPreconditionException} when an input (data file, parent model) does not exist. */
    void checkPreconditions();

    /** Trains, evaluates, publishes; throws {@link JobCancelledException} when cancelled (publishing nothing). */
    JobResult run(JobMonitor monitor);

    /**
     * Whether the job announces what it publishes itself (PPO announces every iteration's version before it commits
     * the rollouts it consumed); the runner announces the result of the others.
     */
    default boolean announcesItself() {
        return false;
    }
}
