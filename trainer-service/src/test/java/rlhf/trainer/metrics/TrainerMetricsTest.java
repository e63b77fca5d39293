package rlhf.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** PPO's job metrics become the documented meters: gauges, counters of increments, timers of seconds. */
class TrainerMetricsTest {

    @Test
    void ppoMetricsReachTheirMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TrainerMetrics metrics = new TrainerMetrics(registry);
        metrics.evaluated("ppo.kl", 1.5);
        metrics.evaluated("ppo.kl.coef", 0.05);
        metrics.evaluated("ppo.rollouts", 32);
        metrics.evaluated("ppo.rollouts", 32);
        metrics.evaluated("ppo.stale.rollouts", 3);
        metrics.evaluated("ppo.time.update", 2.5);
        metrics.evaluated("ppo.iteration", 7); // not a meter: ignored

        assertThat(registry.get("rlhf.ppo.kl").gauge().value()).isEqualTo(1.5);
        assertThat(registry.get("rlhf.ppo.kl.coef").gauge().value()).isEqualTo(0.05);
        assertThat(registry.get("rlhf.ppo.clip.fraction").gauge().value()).isNaN();
        assertThat(registry.get("rlhf.ppo.rollouts").counter().count()).isEqualTo(64);
        assertThat(registry.get("rlhf.ppo.stale.rollouts").counter().count()).isEqualTo(3);
        assertThat(registry.get("rlhf.ppo.time").tag("phase", "update").timer().totalTime(
                java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2500);
        assertThat(registry.get("rlhf.ppo.time").tag("phase", "generation").timer().count()).isZero();
    }
}
