package rlhf.trainer.jobs.training;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import rlhf.model.GptModel;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.trainer.data.DatasetRef;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobResult;

/** Publishes a trained model with its lineage: parents, data sets (name, records, sha256, URI) and metrics. */
public final class Publication {

    private Publication() {
    }

    public static JobResult publish(CheckpointStore store, JobKind kind, String storeKind, GptModel model,
            TextTokenizer tokenizer, List<String> parents, List<DatasetRef> datasets, Map<String, Double> metrics,
            List<String> report) {
        Lineage lineage = new Lineage(parents, datasets.stream().map(DatasetRef::lineageEntry).toList(),
                new TreeMap<>(metrics));
        Checkpoint checkpoint = store.publish(storeKind, model, tokenizer, lineage);
        return new JobResult(kind, checkpoint, datasets, model.config().parameterCount(), report);
    }
}
