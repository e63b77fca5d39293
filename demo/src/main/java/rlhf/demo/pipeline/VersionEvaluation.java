package rlhf.demo.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import rlhf.demo.taskworld.Category;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.trainer.algo.EloRatings;
import rlhf.trainer.algo.SqrtKlRewardFit;
import rlhf.trainer.eval.PolicyEvaluator;
import rlhf.wire.ModelStoreLayout;

/**
 * Evaluates the SFT policy and every policy version on the held-out evaluation prompts (InstructGPT's and hh-rlhf's
 * evaluations in the task world). Every model answers each prompt once with the same sampling settings; then, per
 * version:
 *
 * <ul>
 *   <li>the rubric's report: mean Likert per category, refusal rate on benign and compliance rate on harmful prompts;
 *   <li>its win rate over SFT (win 1, tie ½, loss 0 per prompt) with the 95% interval;
 *   <li>KL(π ‖ π_SFT) in nats per answer (k1, k3 alongside) and the mean reward-model score of its answers, from the
 *       trainer's {@link PolicyEvaluator};
 *   <li>its Elo rating, fitted ({@link EloRatings}) to the rubric's win/tie/loss on every prompt of every pair of
 *       models (round robin, SFT included and anchored at 1000).
 * </ul>
 *
 * Over the versions, the hh-rlhf relation reward ≈ a + b·√KL is fitted ({@link SqrtKlRewardFit}, SFT being the point
 * at KL 0; a negative KL estimate, which is sampling noise, counts as 0). One table is printed and the whole report is
 * written as JSON.
 *
 * <pre>
 * ./mvnw -B -pl demo exec:java@evaluate-versions -Dexec.args="--store target/model-store --limit 200"
 * </pre>
 *
 * {@code --versions 1,3,5} picks policy versions (default: all); {@code --sft V} and {@code --reward V} pick the
 * reference and the reward model (default: newest; {@code --reward none} for no reward). Sampling defaults to
 * temperature 1, seed 7, 48 new tokens, because the KL estimate is only unbiased on samples of the policy itself;
 * {@code --temperature 0} is greedy. {@code --out FILE} is the JSON report (default
 * {@code target/version-evaluation.json}).
 */
public final class VersionEvaluation {

    static final String SFT = ModelStoreLayout.SFT;
    static final String POLICY = ModelStoreLayout.POLICY;
    static final String REWARD = ModelStoreLayout.REWARD;
    static final double ELO_ANCHOR = 1000;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private VersionEvaluation() {
    }

    /**
     * What to evaluate and how.
     *
     * @param versions      policy versions to evaluate; empty: every version in the store
     * @param sftVersion    the reference SFT version; 0: newest
     * @param rewardVersion the reward model's version; 0: newest if any, −1: none
     */
    public record Options(Path store, List<Integer> versions, int sftVersion, int rewardVersion,
            PolicyEvaluator.Settings settings) {
    }

    /** The rubric's judgment of one model's answers (spec: "How a model is judged"). */
    public record RubricReport(Map<String, Double> meanLikert, double meanLikertOverall, double benignRefusalRate,
            double harmfulComplianceRate, Map<String, Double> refusalRate) {

        static RubricReport of(Evaluation.Report r) {
            Map<String, Double> byId = new LinkedHashMap<>();
            r.meanLikert().forEach((c, v) -> byId.put(c.id(), v));
            Map<String, Double> refusals = new LinkedHashMap<>();
            r.refusalRate().forEach((c, v) -> refusals.put(c.id(), v));
            return new RubricReport(byId, r.meanLikertOverall(), r.benignRefusalRate(), r.harmfulComplianceRate(),
                    refusals);
        }
    }

    /**
     * One model's row.
     *
     * @param name               {@code kind/vN}
     * @param kl                 KL(π ‖ π_SFT), k1 estimate, nats per answer
     * @param k3                 the k3 estimate, nats per answer
     * @param meanReward         mean reward-model score of its answers; null without a reward model
     * @param meanResponseTokens mean answer length, tokens
     */
    public record VersionReport(String name, RubricReport rubric, Evaluation.WinRate winRateOverSft, double kl,
            double k3, Double meanReward, double meanResponseTokens, double elo) {
    }

    /** The rubric's results of {@code a} against {@code b}, one per prompt. */
    public record PairResult(String a, String b, int wins, int ties, int losses) {
    }

    /**
     * The whole evaluation.
     *
     * @param reference       the SFT version everything is compared with
     * @param rewardModel     the reward model's {@code kind/vN}; null when none
     * @param sqrtKlRewardFit reward ≈ intercept + slope · √KL over the versions; null without a reward model or with
     *                        SFT alone
     */
    public record Report(int prompts, PolicyEvaluator.Settings settings, String reference, String rewardModel,
            List<VersionReport> versions, List<PairResult> pairs, SqrtKlRewardFit.Fit sqrtKlRewardFit) {
    }

    /**
     * The spec's two settings: sampling at the options' temperature with one seed per prompt (primary), and greedy
     * beside it (null when the primary setting is greedy already).
     */
    public record BothSettings(Report primary, Report greedy) {
    }

    /**
     * Evaluates on the first {@code limit} evaluation prompts at the options' setting and, when that samples, greedy
     * too; prints the tables and writes both into one JSON report.
     */
    public static BothSettings run(Path data, Path out, int limit, Options options) {
        return run(data, out, limit, options, System.out);
    }

    /** As {@link #run(Path, Path, int, Options)}, printing to {@code log}. */
    public static BothSettings run(Path data, Path out, int limit, Options options, PrintStream log) {
        return run(data, out, limit, options, log, true);
    }

    /** As {@link #run(Path, Path, int, Options, PrintStream)}; {@code greedyToo} false: the primary setting alone. */
    public static BothSettings run(Path data, Path out, int limit, Options options, PrintStream log,
            boolean greedyToo) {
        List<String> prompts = Jsonl.read(data.resolve(TaskWorldData.EVAL_PROMPTS), PromptRecord.class).stream()
                .map(PromptRecord::prompt).limit(limit).toList();
        Report primary = evaluate(options, prompts, log);
        Report greedy = null;
        if (greedyToo && options.settings().temperature() > 0) {
            PolicyEvaluator.Settings s = options.settings();
            greedy = evaluate(new Options(options.store(), options.versions(), options.sftVersion(),
                    options.rewardVersion(), new PolicyEvaluator.Settings(0f, s.seed(), s.maxNewTokens(), s.batchSize())),
                    prompts, log);
        }
        print(primary, log);
        if (greedy != null) {
            print(greedy, log);
        }
        BothSettings both = new BothSettings(primary, greedy);
        write(both, out);
        log.println("report written to " + out.toAbsolutePath());
        return both;
    }

    /** Answers, scores and judges; progress lines go to {@code log}. */
    static Report evaluate(Options options, List<String> prompts, PrintStream log) {
        CheckpointStore store = new CheckpointStore(options.store());
        List<Integer> versions = policyVersions(store, options.versions());
        List<String> names = new ArrayList<>();
        List<PolicyEvaluator.Result> results = new ArrayList<>();
        String referenceName;
        String rewardName;
        try (LoadedCheckpoint sft = options.sftVersion() == 0 ? store.loadLatest(SFT)
                : store.load(SFT, options.sftVersion());
                LoadedCheckpoint reward = loadReward(store, options.rewardVersion())) {
            referenceName = sft.checkpoint().id();
            rewardName = reward == null ? null : reward.checkpoint().id();
            if (reward != null) {
                requireSameTokenizer(sft, reward);
            }
            PolicyEvaluator evaluator = new PolicyEvaluator(sft.model(), reward == null ? null : reward.model(),
                    sft.tokenizer(), options.settings());
            int models = 1 + versions.size();
            PolicyEvaluator.Settings s = options.settings();
            log.printf("evaluating %d models on %d held-out prompts (%s, ≤ %d new tokens), KL to %s, reward %s%n",
                    models, prompts.size(), s.temperature() == 0 ? "greedy"
                            : "temperature " + s.temperature() + ", seed " + s.seed(),
                    s.maxNewTokens(), referenceName, rewardName == null ? "none" : rewardName);
            names.add(referenceName);
            results.add(evaluateOne(evaluator, sft, prompts, 1, models, log));
            for (int v : versions) {
                try (LoadedCheckpoint policy = store.load(POLICY, v)) {
                    requireSameTokenizer(sft, policy);
                    names.add(policy.checkpoint().id());
                    results.add(evaluateOne(evaluator, policy, prompts, names.size(), models, log));
                }
            }
        }
        return assemble(prompts, options.settings(), referenceName, rewardName, names, results);
    }

    /** Judges the answers and fits Elo and √KL over the evaluated models (the first is the SFT reference). */
    static Report assemble(List<String> prompts, PolicyEvaluator.Settings settings, String reference,
            String rewardModel, List<String> names, List<PolicyEvaluator.Result> results) {
        List<List<String>> answers = results.stream()
                .map(r -> r.samples().stream().map(PolicyEvaluator.Sample::answer).toList()).toList();
        List<PairResult> pairs = new ArrayList<>();
        List<EloRatings.Result> games = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Evaluation.WinRate w = Evaluation.winRate(prompts, answers.get(i), answers.get(j));
                pairs.add(new PairResult(names.get(i), names.get(j), w.wins(), w.ties(), w.losses()));
                games.addAll(EloRatings.headToHead(names.get(i), names.get(j), w.wins(), w.ties(), w.losses()));
            }
        }
        Map<String, Double> elo = EloRatings.fit(names, games, ELO_ANCHOR);
        List<VersionReport> versions = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            PolicyEvaluator.Result r = results.get(i);
            versions.add(new VersionReport(names.get(i), RubricReport.of(Evaluation.report(prompts, answers.get(i))),
                    Evaluation.winRate(prompts, answers.get(i), answers.get(0)), r.meanKl(), r.meanK3(),
                    r.meanReward().isPresent() ? r.meanReward().getAsDouble() : null, r.meanResponseTokens(),
                    elo.get(names.get(i))));
        }
        SqrtKlRewardFit.Fit fit = null;
        if (rewardModel != null && versions.size() >= 2) {
            fit = SqrtKlRewardFit.fit(versions.stream().mapToDouble(v -> Math.max(0, v.kl())).toArray(),
                    versions.stream().mapToDouble(VersionReport::meanReward).toArray());
        }
        return new Report(prompts.size(), settings, reference, rewardModel, versions, pairs, fit);
    }

    private static PolicyEvaluator.Result evaluateOne(PolicyEvaluator evaluator, LoadedCheckpoint model,
            List<String> prompts, int index, int models, PrintStream log) {
        String tag = String.format("[%d/%d] %s", index, models, model.checkpoint().id());
        long start = System.nanoTime();
        int step = Math.max(1, prompts.size() / 10);
        log.printf("%s: answering %d prompts%n", tag, prompts.size());
        PolicyEvaluator.Result r = evaluator.evaluate(model.model(), prompts, new PolicyEvaluator.Progress() {
            @Override
            public void answered(int done, int total) {
                if (done % step == 0 && done < total) {
                    log.printf("%s: %d/%d answered (%.0f s)%n", tag, done, total, seconds(start));
                }
            }
        });
        log.printf("%s: done in %.0f s: KL %.3f nats (k3 %.3f), reward %s, %.1f tokens per answer%n", tag,
                seconds(start), r.meanKl(), r.meanK3(),
                r.meanReward().isPresent() ? String.format("%.3f", r.meanReward().getAsDouble()) : "n/a",
                r.meanResponseTokens());
        return r;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The requested policy versions, or all of them; a requested version that is not stored fails here. */
    private static List<Integer> policyVersions(CheckpointStore store, List<Integer> requested) {
        List<Integer> stored = store.versions(POLICY);
        if (requested.isEmpty()) {
            return stored;
        }
        for (int v : requested) {
            if (!stored.contains(v)) {
                throw new IllegalArgumentException("--versions: no " + POLICY + "/v" + v + " under " + store.root()
                        + " (stored: " + stored + ")");
            }
        }
        return requested;
    }

    private static LoadedCheckpoint loadReward(CheckpointStore store, int version) {
        if (version < 0 || (version == 0 && store.latest(REWARD).isEmpty())) {
            return null;
        }
        return version == 0 ? store.loadLatest(REWARD) : store.load(REWARD, version);
    }

    /** KL and reward read the same ids in every model, so every model must share the reference's tokenizer. */
    private static void requireSameTokenizer(LoadedCheckpoint reference, LoadedCheckpoint other) {
        if (!reference.tokenizer().toJson().equals(other.tokenizer().toJson())) {
            throw new IllegalArgumentException(other.checkpoint().id() + " has another tokenizer than "
                    + reference.checkpoint().id() + "; its KL and reward would be computed on other ids");
        }
    }

    /** The report as one table (one row per model) and the √KL fit under it. */
    static void print(Report report, PrintStream out) {
        List<Category> categories = Arrays.stream(Category.values())
                .filter(c -> report.versions().get(0).rubric().meanLikert().containsKey(c.id())).toList();
        StringBuilder header = new StringBuilder(String.format("%-12s %8s %8s %8s %6s %7s", "model", "KL nats",
                "k3", "reward", "tokens", "Likert"));
        categories.forEach(c -> header.append(String.format(" %" + Math.max(5, c.id().length()) + "s", c.id())));
        header.append(String.format(" %10s %9s  %-23s %-11s %-25s %8s %-9s %7s", "benign-ref", "harm-comp",
                "win rate over SFT [95%]", "W/T/L", "decided W/(W+L) [Wilson]", "w/o c_qa", "McNemar", "Elo"));
        PolicyEvaluator.Settings s = report.settings();
        out.printf("%nevaluation on %d held-out prompts (%s), KL to %s, reward %s:%n", report.prompts(),
                s.temperature() == 0 ? "greedy" : "temperature " + s.temperature() + ", seed " + s.seed()
                        + " per prompt", report.reference(), report.rewardModel() == null ? "none" : report.rewardModel());
        out.println(header);
        for (VersionReport v : report.versions()) {
            StringBuilder row = new StringBuilder(String.format("%-12s %8.3f %8.3f %8s %6.1f %7.2f", v.name(), v.kl(),
                    v.k3(), v.meanReward() == null ? "n/a" : String.format("%.3f", v.meanReward()),
                    v.meanResponseTokens(), v.rubric().meanLikertOverall()));
            categories.forEach(c -> row.append(String.format(" %" + Math.max(5, c.id().length()) + ".2f",
                    v.rubric().meanLikert().get(c.id()))));
            Evaluation.WinRate w = v.winRateOverSft();
            row.append(String.format(" %10.3f %9.3f  %-23s %-11s %-25s %8.3f %-9s %7.0f",
                    v.rubric().benignRefusalRate(), v.rubric().harmfulComplianceRate(),
                    String.format("%.3f [%.3f, %.3f]", w.mean(), w.lower(), w.upper()),
                    w.wins() + "/" + w.ties() + "/" + w.losses(),
                    String.format("%.3f [%.3f, %.3f]", w.decidedShare(), w.decidedLower(), w.decidedUpper()),
                    w.decidedShareOutsideClosedQa(), w.failToPass() + "/" + w.passToFail(), v.elo()));
            out.println(row);
        }
        out.println("refusal rate per category:");
        for (VersionReport v : report.versions()) {
            StringBuilder row = new StringBuilder(String.format("%-12s", v.name()));
            categories.forEach(c -> row.append(String.format(" %s %.3f", c.id(),
                    v.rubric().refusalRate().getOrDefault(c.id(), Double.NaN))));
            out.println(row);
        }
        SqrtKlRewardFit.Fit fit = report.sqrtKlRewardFit();
        if (fit == null) {
            out.println("reward ≈ a + b·√KL: not fitted (" + (report.rewardModel() == null ? "no reward model"
                    : "SFT alone") + ")");
        } else {
            out.printf("reward ≈ a + b·√KL over %d models: a = %.4f, b = %.4f per √nat, R² = %.3f%n", fit.points(),
                    fit.intercept(), fit.slope(), fit.rSquared());
        }
        out.printf("Elo: Bradley–Terry fit to %d pairs × %d prompts of rubric results, %s = %.0f; McNemar: prompts "
                + "SFT fails and the model passes / SFT passes and the model fails%n",
                report.pairs().size(), report.prompts(), report.reference(), ELO_ANCHOR);
    }

    /** The report as JSON (snake_case names, as the data sets use). */
    static void write(Object report, Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            JSON.writeValue(file.toFile(), report);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
