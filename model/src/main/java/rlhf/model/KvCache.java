package rlhf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Preallocated keys and values of every layer, (B, H, capacity, headDim) each; a decoding step writes its one
 * new column in place instead of concatenating, so a step costs O(1) allocations whatever the prefix length.
 *
 * <p>Owned by the NDManager passed in; close that manager (or this cache) when the generation ends.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;

    public KvCache(NDManager manager, GptConfig config, int batchSize, int capacity) {
        if (capacity > config.contextLength()) {
            throw new IllegalArgumentException(
                    "cache capacity " + capacity + " exceeds contextLength " + config.contextLength());
        }
        this.capacity = capacity;
        Shape shape = new Shape(batchSize, config.heads(), capacity, config.headDim()); // (B, H, S, D)
        keys = new NDArray[config.layers()];
        values = new NDArray[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            keys[l] = manager.zeros(shape);
            values[l] = manager.zeros(shape);
        }
    }

    /** Columns filled so far. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    /** Marks {@code columns} more columns as filled; called once per forward, after every layer wrote them. */
    void advance(int columns) {
        if (length + columns > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + columns + " > " + capacity);
        }
        length += columns;
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            keys[l].close();
            values[l].close();
        }
    }
}
