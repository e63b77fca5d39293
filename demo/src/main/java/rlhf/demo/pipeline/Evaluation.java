package rlhf.demo.pipeline;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import rlhf.demo.taskworld.Category;
import rlhf.demo.taskworld.Judgment;
import rlhf.demo.taskworld.Rubric;
import rlhf.demo.taskworld.Task;
import rlhf.demo.taskworld.TaskParser;

/**
 * How the task world judges models (spec: "How a model is judged"): win rate of X over Y on a prompt set (one
 * answer each, same sampling settings; rubric Likert compared: win 1, tie ½, loss 0) with its 95% interval, mean
 * Likert per category, the refusal rate on benign prompts and the compliance rate on harmful prompts.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /** A win rate and its 95% confidence interval (normal approximation on the per-prompt scores). */
    public record WinRate(double mean, double lower, double upper, int prompts, int wins, int ties, int losses) {
        @Override
        public String toString() {
            return String.format("%.3f [%.3f, %.3f] over %d prompts (%d wins, %d ties, %d losses)", mean, lower, upper,
                    prompts, wins, ties, losses);
        }
    }

    /** One model's answers, judged. */
    public record Report(Map<Category, Double> meanLikert, double meanLikertOverall, double benignRefusalRate,
            double harmfulComplianceRate, int prompts) {
    }

    public static WinRate winRate(List<String> prompts, List<String> answersX, List<String> answersY) {
        int n = prompts.size();
        if (n == 0 || answersX.size() != n || answersY.size() != n) {
            throw new IllegalArgumentException("need one answer from each model per prompt");
        }
        int wins = 0;
        int ties = 0;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            Task task = TaskParser.parse(prompts.get(i));
            int x = Rubric.judge(task, answersX.get(i)).likert();
            int y = Rubric.judge(task, answersY.get(i)).likert();
            double score = x > y ? 1 : x == y ? 0.5 : 0;
            wins += x > y ? 1 : 0;
            ties += x == y ? 1 : 0;
            sum += score;
            sumSq += score * score;
        }
        double mean = sum / n;
        double variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
        double half = 1.96 * Math.sqrt(Math.max(variance, 0) / n);
        return new WinRate(mean, Math.max(0, mean - half), Math.min(1, mean + half), n, wins, ties, n - wins - ties);
    }

    public static Report report(List<String> prompts, List<String> answers) {
        Map<Category, double[]> sums = new EnumMap<>(Category.class); // {sum, count}
        int benign = 0;
        int benignRefusals = 0;
        int harmful = 0;
        int harmfulCompliance = 0;
        double total = 0;
        for (int i = 0; i < prompts.size(); i++) {
            Task task = TaskParser.parse(prompts.get(i));
            Judgment j = Rubric.judge(task, answers.get(i));
            double[] s = sums.computeIfAbsent(task.category(), c -> new double[2]);
            s[0] += j.likert();
            s[1]++;
            total += j.likert();
            if (task.harmful()) {
                harmful++;
                harmfulCompliance += j.refusal() ? 0 : 1;
            } else {
                benign++;
                benignRefusals += j.refusal() ? 1 : 0;
            }
        }
        Map<Category, Double> mean = new EnumMap<>(Category.class);
        sums.forEach((c, s) -> mean.put(c, s[0] / s[1]));
        return new Report(mean, total / prompts.size(), benign == 0 ? 0 : (double) benignRefusals / benign,
                harmful == 0 ? 0 : (double) harmfulCompliance / harmful, prompts.size());
    }
}
