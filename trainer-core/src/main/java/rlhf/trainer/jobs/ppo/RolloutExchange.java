package rlhf.trainer.jobs.ppo;

import java.time.Duration;
import java.util.List;

import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.ppo.RolloutSample;

/**
 * The PPO job's side of the actor–learner loop: requests go out to the rollout workers, rollouts come back, and the
 * consumed rollouts are acknowledged only once the version trained on them is published and announced. The Kafka
 * implementation is {@code messaging.KafkaRolloutExchange}; tests may play the workers in memory.
 */
public interface RolloutExchange extends AutoCloseable {

    /** Publishes the requests and waits for the broker's acknowledgement. */
    void request(List<RolloutRequestSpec> requests);

    /**
     * Reads rollouts until {@code wanted} usable ones are gathered or {@code timeout} passes (or cancellation is
     * requested). A rollout is usable when its policy version is at least {@code minPolicyVersion}; older ones are
     * dropped and counted; re-deliveries of a rollout already gathered are ignored. Nothing is committed here.
     */
    Gathered gather(int wanted, long minPolicyVersion, Duration timeout, JobMonitor monitor);

    /** Commits everything handed out by {@link #gather} so far (used, stale or duplicate): it will not be read again. */
    void commit();

    @Override
    void close();

    /**
     * What one {@link #gather} read: the usable rollouts, and how many were dropped as stale (policy too old), as
     * re-deliveries, or as unreadable (not a Rollout, or inconsistent token and log-prob counts).
     */
    record Gathered(List<RolloutSample> rollouts, int stale, int duplicates, int invalid) {
        public Gathered {
            rollouts = List.copyOf(rollouts);
        }

        /** Both gatherings together. */
        public Gathered plus(Gathered more) {
            List<RolloutSample> all = new java.util.ArrayList<>(rollouts);
            all.addAll(more.rollouts);
            return new Gathered(all, stale + more.stale, duplicates + more.duplicates, invalid + more.invalid);
        }
    }
}
