package rlhf.reward.service;

/**
 * How long the caller still wants an answer: scoring skips work for callers that have given up (deadline passed,
 * call cancelled). Transport-neutral; the gRPC edge adapts its call context to it.
 */
public interface CallLifetime {

    /** A caller that never gives up (e.g. in-process use). */
    CallLifetime UNBOUNDED = new CallLifetime() {
        @Override
        public boolean givenUp() {
            return false;
        }

        @Override
        public void onGiveUp(Runnable action) {
        }
    };

    /** True once the deadline has passed or the call was cancelled. */
    boolean givenUp();

    /** Runs {@code action} once when the caller gives up (at once if it already has); may run on any thread. */
    void onGiveUp(Runnable action);
}
