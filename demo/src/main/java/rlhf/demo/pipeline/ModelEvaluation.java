package rlhf.demo.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import rlhf.demo.taskworld.Category;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.TaskWorldData;

/**
 * Judges stored models on the held-out evaluation prompts with the task-world rubric: model X's win rate over
 * model Y (95% interval), mean Likert per category, refusal rate on benign and compliance rate on harmful prompts.
 *
 * <pre>
 * ./rlhf evaluate --x sft --y base
 * </pre>
 *
 * {@code --x}/{@code --y} name a kind and optionally a version ({@code policy:3}; newest when omitted). Both answer
 * with the same settings, as the spec judges: at temperature 1 with one seed per prompt (the primary setting) and
 * greedy beside it; {@code --temperature 0} judges greedy answers only.
 */
public final class ModelEvaluation {

    private ModelEvaluation() {
    }

    /**
     * Answers every evaluation prompt with models {@code x} and {@code y} ({@code kind} or {@code kind:version}) and
     * prints the rubric's report of each and the win rate of x over y.
     */
    public static void run(Path store, Path data, String x, String y, float temperature, long seed, int limit) {
        List<PromptRecord> records = Jsonl.read(data.resolve(TaskWorldData.EVAL_PROMPTS), PromptRecord.class);
        List<String> prompts = records.stream().map(PromptRecord::prompt).limit(limit).toList();
        judge(store, prompts, x, y, temperature, seed);
        if (temperature > 0) {
            judge(store, prompts, x, y, 0f, seed);
        }
    }

    private static void judge(Path store, List<String> prompts, String x, String y, float temperature, long seed) {
        List<String> answersX = answers(store, x, prompts, temperature, seed);
        List<String> answersY = answers(store, y, prompts, temperature, seed);
        System.out.printf("evaluation on %d held-out prompts (%s):%n", prompts.size(),
                temperature == 0 ? "greedy" : "temperature " + temperature + ", seed " + seed + " per prompt");
        print(x, Evaluation.report(prompts, answersX));
        print(y, Evaluation.report(prompts, answersY));
        System.out.printf("win rate of %s over %s: %s%n", x, y, Evaluation.winRate(prompts, answersX, answersY));
    }

    static List<String> answers(Path store, String spec, List<String> prompts, float temperature, long seed) {
        String[] parts = spec.split(":");
        try (StoredPolicy model = StoredPolicy.load(store, parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 0)) {
            List<String> out = new ArrayList<>();
            for (List<String> a : model.answer(prompts, 1, temperature, seed, 48)) {
                out.add(a.get(0));
            }
            return out;
        }
    }

    static void print(String name, Evaluation.Report r) {
        StringBuilder sb = new StringBuilder(String.format("  %-10s mean Likert %.2f |", name, r.meanLikertOverall()));
        for (Map.Entry<Category, Double> e : r.meanLikert().entrySet()) {
            sb.append(String.format(" %s %.2f", e.getKey().id(), e.getValue()));
        }
        sb.append(String.format(" | benign refusal %.3f | harmful compliance %.3f", r.benignRefusalRate(),
                r.harmfulComplianceRate()));
        System.out.println(sb);
    }
}
