package rlhf.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import rlhf.model.TokenBatch;

/**
 * (prompt, response) examples laid out for one teacher-forced forward: prompt ⧺ response right-padded to T, the next
 * token at every position, where each response token is predicted from (P + j − 1, P = prompt length) and the last
 * token of each sequence. Shape legend: B examples, T padded length, R longest response.
 */
final class PackedExamples {
    final TokenBatch batch;
    final int examples;
    final int length;
    final int maxResponse;
    private final long[] nextTokens;
    private final long[] predictedFrom;
    private final float[] mask;
    private final long[] lastToken;

    PackedExamples(List<Scorer.Example> examples) {
        this.examples = examples.size();
        List<int[]> sequences = new ArrayList<>(this.examples);
        int longestResponse = 0;
        for (Scorer.Example e : examples) {
            int[] seq = new int[e.prompt().length + e.response().length];
            System.arraycopy(e.prompt(), 0, seq, 0, e.prompt().length);
            System.arraycopy(e.response(), 0, seq, e.prompt().length, e.response().length);
            sequences.add(seq);
            longestResponse = Math.max(longestResponse, e.response().length);
        }
        this.maxResponse = longestResponse;
        this.batch = TokenBatch.rightPadded(sequences);
        this.length = batch.length();
        this.nextTokens = new long[this.examples * length];
        this.predictedFrom = new long[this.examples * maxResponse];
        this.mask = new float[this.examples * maxResponse];
        this.lastToken = new long[this.examples];
        for (int i = 0; i < this.examples; i++) {
            int[] seq = sequences.get(i);
            for (int p = 0; p + 1 < seq.length; p++) {
                nextTokens[i * length + p] = seq[p + 1];
            }
            Scorer.Example e = examples.get(i);
            for (int j = 0; j < e.response().length; j++) {
                predictedFrom[i * maxResponse + j] = e.prompt().length + j - 1L;
                mask[i * maxResponse + j] = 1f;
            }
            lastToken[i] = seq.length - 1L;
        }
    }

    /** (B, T, 1) the token that follows each position (0 after the last). */
    NDArray nextTokens(NDManager manager) {
        return manager.create(nextTokens, new Shape(examples, length, 1));
    }

    /** (B, R) the position each response token is predicted from (0 for padding). */
    NDArray predictedFrom(NDManager manager) {
        return manager.create(predictedFrom, new Shape(examples, maxResponse));
    }

    /** (B, R) 1 for real response tokens, 0 for padding. */
    NDArray responseMask(NDManager manager) {
        return manager.create(mask, new Shape(examples, maxResponse));
    }

    /** (B, 1) the index of each sequence's last token. */
    NDArray lastToken(NDManager manager) {
        return manager.create(lastToken, new Shape(examples, 1));
    }
}
