package rlhf.policy.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A stored version as ListModels shows it: identity, location, weights digest and lineage from its manifest.
 *
 * @param parents        versions it was produced from, as {@code kind/vN} (as the manifest writes them)
 * @param datasets       data sets it was trained on
 * @param metrics        evaluation results at publication
 * @param createdAt      ISO-8601 instant from the manifest
 * @param parameterCount parameters of the network (0 when its config is unreadable)
 */
public record StoredVersion(ModelId id, Path directory, String weightsSha256, List<String> parents,
        List<String> datasets, Map<String, Double> metrics, String createdAt, long parameterCount) {

    public StoredVersion {
        parents = List.copyOf(parents);
        datasets = List.copyOf(datasets);
        metrics = Map.copyOf(metrics);
    }
}
