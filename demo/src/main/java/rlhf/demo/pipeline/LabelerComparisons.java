package rlhf.demo.pipeline;

import java.nio.file.Path;
import java.util.List;

import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.Labeler;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.wire.ModelStoreLayout;

/**
 * Makes the reward model's comparisons: the newest SFT model answers each RM prompt K ∈ 4..9 times and a
 * simulated labeler (noise 0.1) ranks the answers.
 *
 * <pre>
 * ./rlhf compare
 * </pre>
 */
public final class LabelerComparisons {

    private LabelerComparisons() {
    }

    /** Ranks SFT answers to the first {@code limit} RM prompts and writes them to the data folder's comparisons. */
    public static void run(Path store, Path data, double noise, int limit, float temperature) {
        List<PromptRecord> prompts = Jsonl.read(data.resolve(TaskWorldData.RM_PROMPTS), PromptRecord.class);
        prompts = prompts.subList(0, Math.min(limit, prompts.size()));
        try (StoredPolicy sft = StoredPolicy.load(store, ModelStoreLayout.SFT, 0)) {
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
