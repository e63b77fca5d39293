package rlhf.model.store;

import java.util.List;
import java.util.Map;

/**
 * Where a checkpoint came from and how it scored.
 *
 * @param parents  checkpoints it was trained from, as {@code kind/vN} (e.g. {@code sft/v3})
 * @param datasets data sets it was trained on (names or URIs with their own versions)
 * @param metrics  evaluation results, e.g. {@code heldout.loss}
 */
public record Lineage(List<String> parents, List<String> datasets, Map<String, Double> metrics) {
    public Lineage {
        parents = List.copyOf(parents);
        datasets = List.copyOf(datasets);
        metrics = Map.copyOf(metrics);
    }

    public static Lineage none() {
        return new Lineage(List.of(), List.of(), Map.of());
    }
}
