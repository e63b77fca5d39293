package rlhf.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.trainer.kafka.ComparisonSnapshot;

/** {@code rlhf snapshot}: the human comparisons on Kafka as a reward-model training file with a manifest. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Reads rlhf.comparisons (and rlhf.user-erasures) up to their end offsets now, applies the dataset "
            + "rules (each comparison id once, erased users out, the per-user prompt cap, ties and 'all bad' counted "
            + "but not written) and writes comparisons.jsonl + manifest.json (offset ranges, counts per split / source "
            + "/ week, SHA-256). With --rebuild MANIFEST it reads exactly that manifest's ranges and checks the bytes. "
            + "Train on it with: rlhf train reward-model --data DIR/comparisons.jsonl")
final class SnapshotCommand implements Callable<Integer> {

    @Mixin
    Folders folders;

    @Option(names = "--kafka", paramLabel = "HOST:PORT", required = true,
            description = "The Kafka bootstrap servers of the stack (./rlhf demo prints them).")
    String kafka;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where to write the snapshot (default: <data>/snapshot).")
    Path out;

    @Option(names = "--max-prompts-per-user", paramLabel = "N", defaultValue = "200",
            description = "InstructGPT's cap of distinct prompts per user used for training (default: ${DEFAULT-VALUE}).")
    int maxPromptsPerUser;

    @Option(names = "--rebuild", paramLabel = "MANIFEST",
            description = "Rebuild the snapshot of this manifest.json instead of taking a new one.")
    Path rebuild;

    @Override
    public Integer call() {
        Path dir = out != null ? out : folders.data().resolve("snapshot");
        ComparisonSnapshot.Manifest m = rebuild != null
                ? ComparisonSnapshot.rebuild(ComparisonSnapshot.readManifest(rebuild), kafka, dir)
                : new ComparisonSnapshot(kafka, maxPromptsPerUser).take(dir);
        System.out.printf("snapshot: %d comparisons → %s (sha256 %s)%n", m.records(),
                dir.resolve(ComparisonSnapshot.FILE), m.sha256());
        for (Map.Entry<String, Long> e : m.counts().entrySet()) {
            System.out.printf("  %-32s %d%n", e.getKey(), e.getValue());
        }
        for (ComparisonSnapshot.Range r : m.comparisons()) {
            System.out.printf("  %s[%d] offsets %d..%d%n", m.comparisonsTopic(), r.partition(), r.from(), r.to());
        }
        return 0;
    }
}
