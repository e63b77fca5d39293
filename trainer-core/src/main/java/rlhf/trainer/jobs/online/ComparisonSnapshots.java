package rlhf.trainer.jobs.online;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the online iteration gets its human comparisons: a consistent snapshot of {@code rlhf.comparisons} with the
 * dataset rules applied (each id once, erased users out, the per-user prompt cap, splits by user id), written as a
 * reward-model comparisons file beside a manifest of the Kafka offset ranges it read.
 */
@FunctionalInterface
public interface ComparisonSnapshots {

    /**
     * One snapshot on disk.
     *
     * @param file     the comparisons (the reward model's JSONL format)
     * @param manifest the manifest beside it (offset ranges, counts, SHA-256)
     * @param records  comparisons written
     * @param counts   kept per split / source / week and left out per rule
     */
    record Snapshot(Path file, Path manifest, long records, Map<String, Long> counts) {
        public Snapshot {
            counts = Map.copyOf(counts);
        }
    }

    /**
     * Takes a snapshot of everything on the topics now into {@code dir}, each user's prompts after their first
     * {@code maxPromptsPerUser} distinct ones left out.
     */
    Snapshot take(Path dir, int maxPromptsPerUser);
}
