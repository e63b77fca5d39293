package rlhf.demo.soak;

/**
 * The calls of one load kind split in two phases: the warm-up (JIT, first loads, first PPO job) and the measured
 * window after the first memory sample. The switch happens while the load is paused, so no call straddles it.
 */
final class PhasedStats {

    final CallStats warmup = new CallStats();
    final CallStats measured = new CallStats();
    private volatile CallStats current = warmup;

    /** Where calls are recorded now. */
    CallStats current() {
        return current;
    }

    void startMeasuring() {
        current = measured;
    }
}
