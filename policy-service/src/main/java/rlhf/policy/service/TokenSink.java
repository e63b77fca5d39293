package rlhf.policy.service;

/** Receives a request's tokens as they are sampled (GenerateStream); called on the generating thread, so be quick. */
public interface TokenSink {

    TokenSink NONE = new TokenSink() {
        @Override
        public void onToken(int index, int tokenId, String textDelta, float logProb) {
        }

        @Override
        public void onFinish(Completion completion, String textDelta) {
        }
    };

    /** Called once, before the first token, with the version that samples the request. */
    default void onModel(ModelId model) {
    }

    /** Sample {@code index} drew {@code tokenId} (raw log-prob {@code logProb}); {@code textDelta} is the text it adds. */
    void onToken(int index, int tokenId, String textDelta, float logProb);

    /** The sample ended; {@code textDelta} is the text still held back (e.g. a prefix of a stop string that did not match). */
    void onFinish(Completion completion, String textDelta);
}
