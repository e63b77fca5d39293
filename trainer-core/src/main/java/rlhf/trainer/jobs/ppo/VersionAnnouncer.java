package rlhf.trainer.jobs.ppo;

import rlhf.trainer.jobs.JobResult;

/**
 * Announces a published version on {@code rlhf.model-versions} and returns once the broker acknowledged it; PPO
 * calls it for every policy version before it commits the rollouts that version was trained on.
 */
@FunctionalInterface
public interface VersionAnnouncer {

    /** Returns the announcement's offset. */
    long announce(JobResult published);
}
