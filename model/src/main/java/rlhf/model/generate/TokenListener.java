package rlhf.model.generate;

/** Receives tokens as they are sampled (streaming); called on the generating thread, so it must be quick. */
@FunctionalInterface
public interface TokenListener {
    TokenListener NONE = (sequence, token, logProb) -> { };

    /**
     * @param sequence index of the sample in the result list (prompt × n + sample)
     * @param token    the sampled id
     * @param logProb  its raw log-probability (see {@link Generation#logProbs()})
     */
    void onToken(int sequence, int token, float logProb);

    /** Called once when a sample ends. */
    default void onFinish(int sequence, Generation generation) {
    }
}
