package rlhf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A padded (B, T) batch of token ids with its validity mask and position ids, built in plain Java.
 *
 * <p>Position ids count only valid tokens ({@code cumsum(mask) - 1}), so a left-padded prompt gets the same
 * positions as the unpadded one; that is what makes padded and unpadded runs give the same logits.
 */
public final class TokenBatch {
    private final int batchSize;
    private final int length;
    private final long[] tokens;
    private final long[] positions;
    private final boolean[][] valid;
    private final int[] sequenceLengths;

    private TokenBatch(int batchSize, int length, long[] tokens, long[] positions, boolean[][] valid,
            int[] sequenceLengths) {
        this.batchSize = batchSize;
        this.length = length;
        this.tokens = tokens;
        this.positions = positions;
        this.valid = valid;
        this.sequenceLengths = sequenceLengths;
    }

    /** Right-pads (sequence first, padding after): the layout for teacher-forced scoring and training. */
    public static TokenBatch rightPadded(List<int[]> sequences) {
        return build(sequences, false);
    }

    /** Left-pads (padding first): the layout for generation, so every sequence ends in the same column. */
    public static TokenBatch leftPadded(List<int[]> sequences) {
        return build(sequences, true);
    }

    private static TokenBatch build(List<int[]> sequences, boolean left) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("sequences must not be empty");
        }
        int b = sequences.size();
        int t = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
        if (t == 0) {
            throw new IllegalArgumentException("every sequence is empty");
        }
        long[] tokens = new long[b * t];
        long[] positions = new long[b * t];
        boolean[][] valid = new boolean[b][t];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            int[] seq = sequences.get(i);
            lengths[i] = seq.length;
            int offset = left ? t - seq.length : 0;
            for (int j = 0; j < seq.length; j++) {
                tokens[i * t + offset + j] = seq[j];
                positions[i * t + offset + j] = j;
                valid[i][offset + j] = true;
            }
        }
        return new TokenBatch(b, t, tokens, positions, valid, lengths);
    }

    public int batchSize() {
        return batchSize;
    }

    public int length() {
        return length;
    }

    /** Unpadded length of sequence {@code i}. */
    public int sequenceLength(int i) {
        return sequenceLengths[i];
    }

    /** Key validity, (B, T); shared, do not modify. */
    public boolean[][] validMask() {
        return valid;
    }

    public NDArray tokens(NDManager manager) {
        return manager.create(tokens, new Shape(batchSize, length)); // (B, T)
    }

    public NDArray positions(NDManager manager) {
        return manager.create(positions, new Shape(batchSize, length)); // (B, T)
    }

    /** Causal + padding additive bias, (B, 1, T, T). */
    public NDArray attentionBias(NDManager manager) {
        return AttentionBias.create(manager, valid, 0, length);
    }
}
