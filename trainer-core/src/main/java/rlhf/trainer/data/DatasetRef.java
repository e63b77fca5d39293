package rlhf.trainer.data;

/**
 * A data set that went into a model version (its lineage): where it was read, the sha256 of its bytes and how many
 * records were used.
 */
public record DatasetRef(String name, String uri, String sha256, long records) {

    public DatasetRef {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("dataset name must not be blank");
        }
        if (records < 0) {
            throw new IllegalArgumentException("records must be >= 0, got " + records);
        }
    }

    /** The one-line form stored in a manifest's lineage, e.g. {@code sft-demonstrations.jsonl records=1300 sha256=…}. */
    public String lineageEntry() {
        return name + " records=" + records + " sha256=" + sha256 + " uri=" + uri;
    }
}
