package rlhf.model.generate;

/**
 * One sample, as plain arrays that may cross threads (no NDArrays).
 *
 * @param promptIndex      index of its prompt in the request
 * @param sampleIndex      0 … n-1 among that prompt's samples
 * @param tokens           the sampled tokens, including a final end-of-text or stop sequence
 * @param logProbs         (A) log π(a_t | s_t) under the model's raw distribution, log-softmax of the logits at
 *                         temperature 1 without truncation: the quantity PPO's ratio and the KL penalty need
 * @param samplingLogProbs (A) log q(a_t | s_t) under the distribution actually sampled from (temperature, top-k,
 *                         top-p, renormalised); 0 for greedy decoding
 * @param finishReason     why it ended
 */
public record Generation(int promptIndex, int sampleIndex, int[] tokens, float[] logProbs, float[] samplingLogProbs,
        FinishReason finishReason) {

    public Generation {
        if (tokens.length != logProbs.length || tokens.length != samplingLogProbs.length) {
            throw new IllegalArgumentException("tokens, logProbs and samplingLogProbs must have equal lengths");
        }
    }
}
