package rlhf.trainer.kafka;

import java.time.Instant;

import com.google.protobuf.Timestamp;
import rlhf.common.v1.ModelRef;
import rlhf.model.store.Manifest;
import rlhf.model.v1.DatasetRef;
import rlhf.model.v1.ModelVersion;
import rlhf.trainer.jobs.JobResult;
import rlhf.wire.ModelStoreLayout;

/** A published job result as the contract's {@link ModelVersion}, the payload of {@code rlhf.model-versions}. */
public final class ModelVersions {

    private ModelVersions() {
    }

    public static ModelVersion of(JobResult result) {
        Manifest manifest = result.checkpoint().manifest();
        ModelVersion.Builder v = ModelVersion.newBuilder()
                .setKind(ModelStoreLayout.kindOf(result.checkpoint().kind()))
                .setVersion(result.checkpoint().version())
                .setStoreUri(result.checkpoint().directory().toAbsolutePath().normalize().toUri().toString())
                .setSha256(result.checkpoint().weightsSha256())
                .putAllMetrics(result.metrics())
                .setCreatedAt(timestamp(Instant.parse(manifest.createdAt())))
                .setCreatedBy("trainer/" + result.kind().tag())
                .setParameterCount(result.parameterCount());
        result.parents().forEach(p -> v.addParents(parent(p)));
        result.datasets().forEach(d -> v.addDatasets(DatasetRef.newBuilder().setName(d.name()).setUri(d.uri())
                .setSha256(d.sha256()).setRecords(d.records())));
        return v.build();
    }

    /** {@code sft/v3} → (MODEL_KIND_SFT, 3). */
    static ModelRef parent(String id) {
        int slash = id.indexOf("/v");
        if (slash < 0) {
            throw new IllegalArgumentException("parent id must look like kind/vN, got '" + id + "'");
        }
        return ModelRef.newBuilder().setKind(ModelStoreLayout.kindOf(id.substring(0, slash)))
                .setVersion(Long.parseLong(id.substring(slash + 2))).build();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
