package rlhf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Additive attention bias: 0 where query i may attend key j, a large negative number elsewhere.
 *
 * <p>Query i sits at absolute column {@code start + i}; it may see key j when {@code j <= start + i} (causal) and
 * key j is a real token (padding). A query always sees itself, so a padded query row is never fully masked and the
 * softmax never divides 0 by 0; padded rows' outputs are ignored anyway. A finite -1e9 rather than -inf keeps
 * gradients free of NaN; exp(-1e9) is exactly 0 in float32.
 */
public final class AttentionBias {
    static final float MASKED = -1e9f;

    private AttentionBias() {
    }

    /**
     * @param keyValid (B, S) validity of every key column, S = start + queries
     * @param start    absolute column of the first query
     * @param queries  number of query rows T
     * @return (B, 1, T, S) additive bias
     */
    public static NDArray create(NDManager manager, boolean[][] keyValid, int start, int queries) {
        int b = keyValid.length;
        int s = start + queries;
        float[] bias = new float[b * queries * s];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < queries; i++) {
                int row = (n * queries + i) * s;
                int self = start + i;
                for (int j = 0; j < s; j++) {
                    boolean visible = j == self || (j < self && keyValid[n][j]);
                    bias[row + j] = visible ? 0f : MASKED;
                }
            }
        }
        return manager.create(bias, new Shape(b, 1, queries, s)); // (B, 1, T, S)
    }
}
