package rlhf.demo.pipeline;

import java.nio.file.Path;
import java.util.List;

import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.Labeler;
import rlhf.demo.taskworld.TaskWorldData;

/**
 * Makes the reward model's comparisons: the newest SFT model answers each RM prompt K ∈ 4..9 times and a
 * simulated labeler (noise 0.1) ranks the answers.
 *
 * <pre>
 * ./mvnw -B -pl demo exec:java@rmdata -Dexec.args="--store target/model-store --data target/taskworld"
 * </pre>
 */
public final class RewardDataMain {

    private RewardDataMain() {
    }

    public static void main(String[] args) {
        DjlDefaults.apply();
        Path store = Path.of("target", "model-store");
        Path data = Path.of("target", "taskworld");
        double noise = 0.1;
        int limit = Integer.MAX_VALUE;
        float temperature = ComparisonMaker.DEFAULT_TEMPERATURE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> store = Path.of(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--noise" -> noise = Double.parseDouble(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--temperature" -> temperature = Float.parseFloat(args[++i]);
                default -> {
                    System.err.println("usage: RewardDataMain [--store DIR] [--data DIR] [--noise P] [--limit N] "
                            + "[--temperature T]");
                    System.exit(2);
                }
            }
        }
        List<PromptRecord> prompts = Jsonl.read(data.resolve(TaskWorldData.RM_PROMPTS), PromptRecord.class);
        prompts = prompts.subList(0, Math.min(limit, prompts.size()));
        try (StoredPolicy sft = StoredPolicy.load(store, "sft", 0)) {
            System.out.printf("rm data: %d prompts, K = 4..9 answers each from sft/v%d at temperature %.2f, labeler "
                    + "noise %.2f%n", prompts.size(), sft.version(), temperature, noise);
            ComparisonMaker.Result result = new ComparisonMaker(new Labeler("labeler-1", noise, 41), 42)
                    .make(sft, prompts, 64, 43, 48, temperature, line -> System.out.println("  " + line));
            Path out = data.resolve(TaskWorldData.COMPARISONS);
            Jsonl.write(out, result.comparisons());
            System.out.printf("rm data: wrote %d comparisons to %s (%d prompts skipped: all answers tied)%n",
                    result.comparisons().size(), out, result.allTied());
        }
    }
}
