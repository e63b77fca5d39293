package rlhf.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import rlhf.model.AttentionBias;
import rlhf.model.GptModel;

/**
 * Next-token cross-entropy, L = −(1/BT) Σ log π(x_{t+1} | x_{≤t}), in nats per token, over windows of T + 1 tokens
 * (the first T are the input, the last T the targets).
 */
public final class CausalLmLoss {
    private CausalLmLoss() {
    }

    /** The loss as a scalar NDArray (differentiable); {@code windows} is (B, T + 1). Call inside an NDScope. */
    public static NDArray loss(GptModel model, NDManager manager, int[][] windows, boolean training) {
        int b = windows.length;
        int t = windows[0].length - 1;
        long[] inputs = new long[b * t];
        long[] targets = new long[b * t];
        long[] positions = new long[b * t];
        boolean[][] valid = new boolean[b][t];
        for (int i = 0; i < b; i++) {
            if (windows[i].length != t + 1) {
                throw new IllegalArgumentException("all windows must have length " + (t + 1));
            }
            for (int j = 0; j < t; j++) {
                inputs[i * t + j] = windows[i][j];
                targets[i * t + j] = windows[i][j + 1];
                positions[i * t + j] = j;
                valid[i][j] = true;
            }
        }
        NDArray bias = AttentionBias.create(manager, new boolean[][] {valid[0]}, 0, t); // (1, 1, T, T)
        NDArray hidden = model.hidden(manager.create(inputs, new Shape(b, t)), manager.create(positions, new Shape(b, t)),
                bias, training, null); // (B, T, C)
        NDArray logp = model.logits(hidden).logSoftmax(2); // (B, T, V)
        return logp.gather(manager.create(targets, new Shape(b, t, 1)), 2).mean().neg(); // ()
    }

    /** Mean loss without gradients over windows taken {@code batchSize} at a time, in nats per token. */
    public static double evaluate(GptModel model, int[][] windows, int batchSize) {
        double total = 0;
        int count = 0;
        try (NDManager manager = model.manager().newSubManager()) {
            for (int from = 0; from < windows.length; from += batchSize) {
                int to = Math.min(windows.length, from + batchSize);
                int[][] batch = java.util.Arrays.copyOfRange(windows, from, to);
                try (NDScope ignored = new NDScope()) {
                    total += loss(model, manager, batch, false).getFloat() * batch.length;
                    count += batch.length;
                }
            }
        }
        return total / count;
    }
}
