package rlhf.demo.soak;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Calls of one load kind in one phase of a soak: how many, their outcomes by status, and the latencies of the
 * successful ones. Safe to record into from many threads.
 */
final class CallStats {

    private long[] latencyNanos = new long[1024];
    private int successes;
    private final Map<String, Long> errors = new TreeMap<>();

    synchronized void success(long nanos) {
        if (successes == latencyNanos.length) {
            latencyNanos = Arrays.copyOf(latencyNanos, 2 * successes);
        }
        latencyNanos[successes++] = nanos;
    }

    /** A failed call, by its status: an HTTP status, a gRPC code, a job state or the exception's class. */
    synchronized void error(String status) {
        errors.merge(status, 1L, Long::sum);
    }

    /** What was recorded so far, with latency percentiles of the successful calls. */
    synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(latencyNanos, successes);
        Arrays.sort(sorted);
        long failed = errors.values().stream().mapToLong(Long::longValue).sum();
        return new Summary(successes + failed, failed, new TreeMap<>(errors), percentileMs(sorted, 50),
                percentileMs(sorted, 95), percentileMs(sorted, 99));
    }

    /** Nearest-rank percentile in milliseconds; NaN without samples. */
    static double percentileMs(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /**
     * @param calls          calls made (successful and failed)
     * @param errors         failed calls
     * @param errorsByStatus failed calls by status
     * @param p50Ms          latency percentiles of the successful calls, in milliseconds (NaN: none succeeded)
     */
    record Summary(long calls, long errors, Map<String, Long> errorsByStatus, double p50Ms, double p95Ms,
            double p99Ms) {

        double errorRate() {
            return calls == 0 ? 0 : (double) errors / calls;
        }
    }
}
