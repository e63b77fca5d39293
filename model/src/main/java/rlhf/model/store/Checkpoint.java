package rlhf.model.store;

import java.nio.file.Path;

/** A published version in the store: {@code <root>/<kind>/v<version>/}. */
public record Checkpoint(String kind, int version, Path directory, Manifest manifest, String manifestSha256) {

    /** {@code kind/vN}, the form lineage uses. */
    public String id() {
        return kind + "/v" + version;
    }
}
