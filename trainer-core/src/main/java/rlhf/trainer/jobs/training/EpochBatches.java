package rlhf.trainer.jobs.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Mini-batches of item indexes, epoch after epoch, reshuffled every epoch with a seeded RNG; the last batch may be short. */
public final class EpochBatches {

    private final int items;
    private final int batchSize;
    private final Random random;
    private final List<Integer> order = new ArrayList<>();
    private int next;

    public EpochBatches(int items, int batchSize, long seed) {
        if (items < 1) {
            throw new IllegalArgumentException("no training items");
        }
        this.items = items;
        this.batchSize = batchSize;
        this.random = new Random(seed);
        for (int i = 0; i < items; i++) {
            order.add(i);
        }
        next = items; // shuffle before the first batch
    }

    /** Steps that {@code epochs} epochs take. */
    public static int steps(int items, int batchSize, int epochs) {
        return epochs * ((items + batchSize - 1) / batchSize);
    }

    /** The items of the next batch. */
    public <T> List<T> next(List<T> items) {
        List<Integer> indexes = next();
        List<T> picked = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            picked.add(items.get(i));
        }
        return picked;
    }

    /** The indexes of the next batch. */
    public List<Integer> next() {
        if (next >= items) {
            Collections.shuffle(order, random);
            next = 0;
        }
        int to = Math.min(items, next + batchSize);
        List<Integer> batch = List.copyOf(order.subList(next, to));
        next = to;
        return batch;
    }
}
