package rlhf.trainer.jobs;

import java.util.List;
import java.util.Map;

import rlhf.model.store.Checkpoint;
import rlhf.trainer.data.DatasetRef;

/**
 * What a finished job published: the checkpoint (its manifest carries parents and metrics), the data sets it read
 * with their digests, and a human-readable report (e.g. the reward model's reliability table).
 */
public record JobResult(JobKind kind, Checkpoint checkpoint, List<DatasetRef> datasets, long parameterCount,
        List<String> report) {

    public JobResult {
        datasets = List.copyOf(datasets);
        report = List.copyOf(report);
    }

    /** The evaluation metrics recorded in the manifest. */
    public Map<String, Double> metrics() {
        return checkpoint.manifest().lineage().metrics();
    }

    /** The parent versions as {@code kind/vN}. */
    public List<String> parents() {
        return checkpoint.manifest().lineage().parents();
    }
}
