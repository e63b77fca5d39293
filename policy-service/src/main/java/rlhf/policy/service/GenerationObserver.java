package rlhf.policy.service;

/** What the generation path reports, for metrics. */
public interface GenerationObserver {

    /** One engine call sampled {@code sequences} sequences and {@code tokens} tokens in {@code nanos}. */
    void engineCall(int sequences, int tokens, long nanos);

    /** {@code requests} requests were dropped from the queue or stopped mid-call because their callers gave up. */
    void abandoned(int requests);

    /** Ignores everything (tests, tools). */
    GenerationObserver NONE = new GenerationObserver() {
        @Override
        public void engineCall(int sequences, int tokens, long nanos) {
        }

        @Override
        public void abandoned(int requests) {
        }
    };
}
