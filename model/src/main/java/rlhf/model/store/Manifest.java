package rlhf.model.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json} of a checkpoint: its identity, the sha256 and size of every other file, and its lineage.
 */
public record Manifest(String kind, int version, String createdAt, Map<String, FileDigest> files, Lineage lineage) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** sha256 (lowercase hex) and byte count of one file. */
    public record FileDigest(String sha256, long bytes) {
    }

    public Manifest {
        files = new TreeMap<>(files);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static Manifest fromJson(String json) {
        Manifest m = GSON.fromJson(json, Manifest.class);
        if (m == null || m.kind() == null || m.files() == null || m.lineage() == null) {
            throw new IllegalArgumentException("manifest lacks kind, files or lineage");
        }
        return m;
    }
}
