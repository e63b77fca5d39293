package rlhf.demo.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import rlhf.demo.taskworld.DataRecords.ComparisonRecord;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.DataRecords.RankedAnswer;
import rlhf.demo.taskworld.Judgment;
import rlhf.demo.taskworld.Labeler;
import rlhf.demo.taskworld.Rubric;
import rlhf.demo.taskworld.Task;
import rlhf.demo.taskworld.TaskParser;

/**
 * Makes the reward model's data as InstructGPT did: for each prompt the SFT model samples K ∈ 4..9 answers and a
 * labeler ranks them (tiers, ties allowed) and rates each (Likert, labels). Prompts whose K answers all tie carry
 * no preference and are skipped (counted).
 */
public final class ComparisonMaker {

    /** What came out: the comparisons and how many prompts were skipped because every answer tied. */
    public record Result(List<ComparisonRecord> comparisons, int allTied) {
    }

    private final Labeler labeler;
    private final Random random;

    public ComparisonMaker(Labeler labeler, long seed) {
        this.labeler = labeler;
        this.random = new Random(seed);
    }

    public Result make(StoredPolicy sft, List<PromptRecord> prompts, int batchSize, long seed, int maxNewTokens,
            Consumer<String> progress) {
        List<ComparisonRecord> out = new ArrayList<>();
        int allTied = 0;
        for (int from = 0; from < prompts.size(); from += batchSize) {
            List<PromptRecord> batch = prompts.subList(from, Math.min(prompts.size(), from + batchSize));
            int k = 4 + random.nextInt(6); // one K per batch keeps generation batched; K still varies across prompts
            List<List<String>> answers = sft.answer(batch.stream().map(PromptRecord::prompt).toList(), k, 1.0f,
                    seed + from, maxNewTokens);
            for (int i = 0; i < batch.size(); i++) {
                ComparisonRecord c = rank(batch.get(i), answers.get(i));
                if (c == null) {
                    allTied++;
                } else {
                    out.add(c);
                }
            }
            progress.accept(String.format("comparisons: %d/%d prompts (%d kept, %d all tied)",
                    Math.min(prompts.size(), from + batchSize), prompts.size(), out.size(), allTied));
        }
        return new Result(out, allTied);
    }

    /** One prompt's ranked comparison, or null when all answers tie. */
    ComparisonRecord rank(PromptRecord prompt, List<String> answers) {
        Task task = TaskParser.parse(prompt.prompt());
        List<List<Integer>> tiers = labeler.rank(task, answers);
        if (tiers.size() < 2) {
            return null;
        }
        List<RankedAnswer> ranked = new ArrayList<>();
        for (String a : answers) {
            Judgment j = Rubric.judge(task, a);
            ranked.add(new RankedAnswer(a, j.likert(),
                    j.labels().stream().map(l -> l.name().toLowerCase()).sorted().toList()));
        }
        return new ComparisonRecord("cmp-" + prompt.id(), prompt.userId(), prompt.split(), prompt.prompt(), null, ranked,
                tiers, labeler.id(), "simulated");
    }
}
