package rlhf.trainer.jobs.ppo;

import java.util.function.Supplier;

/**
 * What the PPO job needs from outside the JVM: a rollout exchange (opened once per run) and an announcer. The
 * command line builds both on {@code --kafka}; the service on its configured cluster.
 */
public record PpoConnections(Supplier<RolloutExchange> rollouts, VersionAnnouncer announcer) {
}
