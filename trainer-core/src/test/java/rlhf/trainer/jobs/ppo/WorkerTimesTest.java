package rlhf.trainer.jobs.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import rlhf.trainer.ppo.RolloutSample;

class WorkerTimesTest {

    private static RolloutSample sample(String prompt, int index, double generationMs, double scoringMs) {
        return new RolloutSample(prompt, index, new int[] {1}, new int[] {2}, new float[] {-1f}, 3, 0.5f, 1, 1,
                generationMs, scoringMs, "", Map.of());
    }

    @Test
    void theWallTimeIsSplitInTheProportionOfThePerRequestTimesEachCountedOnce() {
        // request a: 3 s sampling, 1 s scoring (carried by both of its samples); request b: 1 s and 1 s.
        // Sums: generation 4 s, scoring 2 s; the two ran concurrently and the trainer waited 3 s in all,
        // so generation gets 3 · 4/6 = 2 s and scoring 3 · 2/6 = 1 s.
        WorkerTimes t = WorkerTimes.of(List.of(sample("a", 0, 3000, 1000), sample("a", 1, 3000, 1000),
                sample("b", 0, 1000, 1000)), 3.0);
        assertThat(t.generationSumSeconds()).isCloseTo(4.0, within(1e-12));
        assertThat(t.scoringSumSeconds()).isCloseTo(2.0, within(1e-12));
        assertThat(t.generationSeconds()).isCloseTo(2.0, within(1e-12));
        assertThat(t.scoringSeconds()).isCloseTo(1.0, within(1e-12));
        WorkerTimes none = WorkerTimes.of(List.of(sample("c", 0, 0, 0)), 2.0);
        assertThat(none.generationSeconds() + none.scoringSeconds()).isZero();
    }
}
