package rlhf.demo.taskworld;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the task world's data sets as JSONL.
 *
 * <pre>
 * ./mvnw -B -pl demo exec:java@taskworld -Dexec.args="--out target/taskworld --seed 1"
 * </pre>
 */
public final class TaskWorldMain {

    private TaskWorldMain() {
    }

    public static void main(String[] args) {
        Path out = Path.of("target", "taskworld");
        long seed = 1;
        TaskWorldData.Sizes sizes = TaskWorldData.Sizes.DEFAULT;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--corpus" -> sizes = sizes.withCorpus(Integer.parseInt(args[++i]));
                default -> {
                    System.err.println("usage: TaskWorldMain [--out DIR] [--seed N] [--corpus DOCUMENTS]");
                    System.exit(2);
                }
            }
        }
        System.out.println("task world: writing data sets to " + out.toAbsolutePath() + " (seed " + seed + ")");
        Map<String, Integer> counts = new TaskWorldData(seed).writeAll(out, sizes,
                line -> System.out.println("  " + line));
        System.out.println("task world: " + counts.values().stream().mapToInt(Integer::intValue).sum() + " records");
    }
}
