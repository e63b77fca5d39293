package rlhf.model.store;

import java.nio.file.Path;

/** A published version in the store: {@code <root>/<kind>/v<version>/}. */
public record Checkpoint(String kind, int version, Path directory, Manifest manifest, String manifestSha256) {

    /** {@code kind/vN}, the form lineage uses. */
    public String id() {
        return kind + "/v" + version;
    }

    /** The manifest's sha256 of the weights file ({@code ""} when the manifest lists none): what announcements carry. */
    public String weightsSha256() {
        Manifest.FileDigest weights = manifest.files().get(CheckpointStore.WEIGHTS);
        return weights == null ? "" : weights.sha256();
    }
}
