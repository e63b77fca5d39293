package rlhf.trainer.jobs.online;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import com.google.gson.GsonBuilder;
import rlhf.model.GptModel;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.ChatMessage;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.trainer.data.DatasetRef;
import rlhf.trainer.data.JsonlFile;
import rlhf.trainer.data.PromptRecord;
import rlhf.trainer.data.RankedComparison;
import rlhf.trainer.eval.PolicyEvaluator;
import rlhf.trainer.jobs.GateRefusedException;
import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobFactory;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.ppo.PpoConnections;
import rlhf.trainer.jobs.reward.RewardModelEvaluation;
import rlhf.trainer.jobs.training.CheckpointInputs;
import rlhf.trainer.jobs.training.Publication;
import rlhf.trainer.online.GateDecision;
import rlhf.trainer.online.PolicyGate;
import rlhf.wire.ModelStoreLayout;

/**
 * One week of hh-rlhf's iterated online RLHF (arXiv:2204.05862 §4.5), gated at both steps:
 * <ol>
 * <li><b>snapshot</b> of the human comparisons on Kafka ({@link ComparisonSnapshots}: each id once, erased users out,
 * the prompt cap, splits by user id) into {@code <snapshots>/week-NNN/} with its manifest; the comparisons that are
 * new since the last finished week are "the newest week";</li>
 * <li><b>reward model on old + new</b>: a {@code REWARD_MODEL} job on the labelers' comparisons plus the snapshot with
 * its gate on (validation accuracy against the champion, ECE, the frozen regression set); refused, the champion
 * stays and its reasons are recorded. Both models are then measured on the newest week's comparisons — where the
 * policy now lives and where a preference model is least reliable;</li>
 * <li><b>PPO from the serving policy</b> against the newest published reward model; its versions are candidates,
 * published to the store (the rollout workers load them by version) but never announced;</li>
 * <li>the <b>policy gate</b> ({@link PolicyGate}): KL of the last candidate to the previous policy on held-out prompts
 * at temperature 1, and its win rate over the previous policy there, judged by the reward model (answers whose
 * rewards differ by less than the tie margin tie). Held-out human comparisons cannot judge a candidate nobody has
 * seen yet: they judge served versions afterwards (Elo);</li>
 * <li><b>one announced version</b>: a copy of the candidate when the gate promotes it, else of the previous policy,
 * published as the next {@code policy} version with the week's gates and metrics in its manifest and the snapshot
 * among its data sets, so the policy-service switches to exactly what passed (the newest announced policy) and the
 * lineage runs from it down to the Kafka offsets of the comparisons.</li>
 * </ol>
 * The week's summary is also written as {@code week-NNN/iteration.json}.
 */
public final class OnlineIterationJob implements TrainingJob {

    /** The summary file of a finished week, beside its snapshot. */
    public static final String SUMMARY = "iteration.json";

    private final CheckpointStore store;
    private final OnlineParameters p;
    private final Map<String, String> parameters;
    private final OnlineConnections connections;
    private final JobFactory factory;

    public OnlineIterationJob(CheckpointStore store, OnlineParameters parameters, Map<String, String> resolved,
            OnlineConnections connections, JobFactory factory) {
        this.store = store;
        this.p = parameters;
        this.parameters = Map.copyOf(resolved);
        this.connections = connections;
        this.factory = factory;
    }

    @Override
    public JobKind kind() {
        return JobKind.ONLINE_ITERATION;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public boolean announcesItself() {
        return true;
    }

    /**
     * Checks the parameters handed on to the reward-model and PPO jobs at once (not a week later, after the snapshot):
     * a bad one is named with its prefix.
     */
    public OnlineIterationJob validated() {
        Map<String, String> rm = new LinkedHashMap<>(p.rewardModel());
        rm.put("human-data", rm.get("data"));
        handOn("rm.", () -> factory.create(JobKind.REWARD_MODEL, rm));
        Map<String, String> ppo = new LinkedHashMap<>(p.ppo());
        handOn("ppo.", () -> new JobFactory(store, factory.dataDirectory()).create(JobKind.PPO, ppo));
        return this;
    }

    private static void handOn(String prefix, Runnable create) {
        try {
            create.run();
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException(prefix + e.parameter(), e.getMessage());
        }
    }

    @Override
    public void checkPreconditions() {
        if (connections == null) {
            throw new JobPreconditionException("the online iteration needs a Kafka cluster for the human comparisons "
                    + "and the rollouts (command: --kafka HOST:PORT)");
        }
        CheckpointInputs.require(store, ModelStoreLayout.SFT, 0, "sft", "an SFT job");
        CheckpointInputs.require(store, ModelStoreLayout.REWARD, 0, "reward", "a REWARD_MODEL job (the champion)");
        for (Map.Entry<String, Path> f : Map.of("data", Path.of(p.rewardModel().get("data")), "gate-regression",
                Path.of(p.rewardModel().get("gate-regression")), "ppo-data", p.ppoPrompts()).entrySet()) {
            if (!Files.isRegularFile(f.getValue())) {
                throw new JobPreconditionException("not found: " + f.getValue() + " (parameter '" + f.getKey() + "')");
            }
        }
    }

    @Override
    public JobResult run(JobMonitor monitor) {
        checkPreconditions();
        Week week = nextWeek();
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<String> report = new ArrayList<>();
        metrics.put("online.week", (double) week.number());

        ComparisonSnapshots.Snapshot snapshot = connections.snapshots().take(week.dir(), p.maxPromptsPerUser());
        List<RankedComparison> all = RankedComparison.read(snapshot.file());
        List<RankedComparison> newest = newest(all, week);
        metrics.put("online.snapshot.comparisons", (double) snapshot.records());
        metrics.put("online.snapshot.new", (double) newest.size());
        snapshot.counts().forEach((k, v) -> metrics.put("online.snapshot." + k, v.doubleValue()));
        line(monitor, report, String.format(Locale.ROOT, "online week %d: snapshot of %d human comparisons (%d new "
                + "since the last week) -> %s; counts %s", week.number(), snapshot.records(), newest.size(),
                snapshot.file(), snapshot.counts()));
        if (newest.isEmpty()) {
            throw new JobPreconditionException("no new human comparisons since the last week (snapshot "
                    + snapshot.manifest() + "): nothing to learn from");
        }

        Checkpoint champion = store.latest(ModelStoreLayout.REWARD).orElseThrow();
        Checkpoint reward = rewardModel(snapshot, newest.size(), week, champion, metrics, report, monitor);
        newestWeek(newest, champion, reward, metrics, report, monitor);

        Checkpoint previous = CheckpointInputs.latestPolicyOrSft(store);
        Checkpoint serve = previous;
        DatasetRef snapshotRef = JsonlFile.reference(snapshot.file(), snapshot.records());
        if (p.ppoIterations() > 0) {
            Checkpoint candidate = ppo(reward, monitor);
            GateDecision decision = policyGate(previous, candidate, reward, metrics, report, monitor);
            serve = decision.promote() ? candidate : previous;
            metrics.put("online.policy.candidate.version", (double) candidate.version());
        }
        JobResult published = publishServed(serve, reward, snapshotRef, metrics, report);
        long offset = connections.ppo().announcer().announce(published);
        line(monitor, report, String.format(Locale.ROOT, "online week %d: serving %s (weights of %s), announced at "
                + "offset %d", week.number(), published.checkpoint().id(), serve.id(), offset));
        writeSummary(week, published, metrics, report);
        return published;
    }

    /** The week's folder: the one after the newest folder holding a finished week's summary. */
    private record Week(int number, Path dir, Optional<Path> previous) {
    }

    private Week nextWeek() {
        try {
            Files.createDirectories(p.snapshots());
            int last = 0;
            Path previous = null;
            try (Stream<Path> dirs = Files.list(p.snapshots())) {
                for (Path d : dirs.sorted().toList()) {
                    String name = d.getFileName().toString();
                    if (name.matches("week-\\d+")) {
                        int n = Integer.parseInt(name.substring(5));
                        last = Math.max(last, n);
                        if (Files.isRegularFile(d.resolve(SUMMARY))) {
                            previous = d;
                        }
                    }
                }
            }
            int next = last + 1;
            return new Week(next, p.snapshots().resolve(String.format(Locale.ROOT, "week-%03d", next)),
                    Optional.ofNullable(previous));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The comparisons that the last finished week's snapshot did not hold (all of them in the first week). */
    private static List<RankedComparison> newest(List<RankedComparison> all, Week week) {
        if (week.previous().isEmpty()) {
            return all;
        }
        Path before = week.previous().get().resolve("comparisons.jsonl");
        Set<String> seen = new HashSet<>();
        if (Files.isRegularFile(before)) {
            RankedComparison.read(before).forEach(c -> seen.add(c.id()));
        }
        return all.stream().filter(c -> !seen.contains(c.id())).toList();
    }

    /** Retrains the reward model on old + new behind its gate; returns the reward model PPO will use. */
    private Checkpoint rewardModel(ComparisonSnapshots.Snapshot snapshot, int newComparisons, Week week,
            Checkpoint champion, Map<String, Double> metrics, List<String> report, JobMonitor monitor) {
        Map<String, String> rm = new LinkedHashMap<>(p.rewardModel());
        rm.put("human-data", snapshot.file().toString());
        if (p.replay() > 0) {
            Path replay = replay(Path.of(rm.get("data")), p.replay() * newComparisons, week);
            rm.put("data", replay.toString());
            line(monitor, report, "online: the reward model trains on " + replay.getFileName() + " (" + p.replay()
                    + " x " + newComparisons + " of the old train comparisons, every old validation and test one) and"
                    + " every human comparison, from " + (rm.get("init").equals("champion") ? champion.id()
                            : "the SFT model"));
        }
        try {
            JobResult challenger = factory.create(JobKind.REWARD_MODEL, rm).run(monitor);
            long offset = connections.ppo().announcer().announce(challenger);
            metrics.put("online.rm.promoted", 1.0);
            for (String key : List.of("rm.validation.accuracy", "rm.validation.ece", "rm.test.accuracy", "rm.test.ece",
                    "rm.gate.regression.accuracy", "rm.gate.champion.validation.accuracy", "rm.bestofn.gap")) {
                Double v = challenger.metrics().get(key);
                if (v != null) {
                    metrics.put("online." + key, v);
                }
            }
            challenger.report().stream().filter(l -> l.startsWith("rm gate:") || l.startsWith("rm test:")
                    || l.startsWith("rm validation:") || l.startsWith("train-PM")).forEach(l -> line(monitor, report, l));
            line(monitor, report, "online: " + challenger.checkpoint().id() + " replaces " + champion.id()
                    + " (announced at offset " + offset + ")");
            return challenger.checkpoint();
        } catch (GateRefusedException refused) {
            metrics.put("online.rm.promoted", 0.0);
            line(monitor, report, "online: " + refused.getMessage() + "; " + champion.id() + " stays");
            return champion;
        }
    }

    /**
     * The old comparisons a week replays: {@code count} of the train split, drawn with the week's seed, and every
     * validation and test comparison (never trained on; the gate's validation users stay whole).
     */
    private static Path replay(Path old, int count, Week week) {
        List<String> train = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(old)) {
                if (line.isBlank()) {
                    continue;
                }
                com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
                String split = o.has("split") ? o.get("split").getAsString() : "train";
                (split.equals("train") ? train : kept).add(line);
            }
            java.util.Collections.shuffle(train, new java.util.Random(week.number()));
            kept.addAll(train.subList(0, Math.min(count, train.size())));
            Path file = week.dir().resolve("replay-comparisons.jsonl");
            Files.createDirectories(week.dir());
            return Files.write(file, kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Accuracy and ECE of the champion and of the reward model now in use on the newest week's comparisons. */
    private void newestWeek(List<RankedComparison> newest, Checkpoint champion, Checkpoint reward,
            Map<String, Double> metrics, List<String> report, JobMonitor monitor) {
        List<Checkpoint> models = reward.equals(champion) ? List.of(champion) : List.of(champion, reward);
        for (Checkpoint c : models) {
            try (LoadedCheckpoint loaded = store.load(ModelStoreLayout.REWARD, c.version())) {
                RewardModelEvaluation.Quality q = RewardModelEvaluation.quality(loaded.model(), loaded.tokenizer(),
                        newest, 10);
                String who = c.equals(champion) ? "champion" : "challenger";
                metrics.put("online.rm.newest." + who + ".accuracy", q.accuracy());
                metrics.put("online.rm.newest." + who + ".ece", q.ece());
                metrics.put("online.rm.newest.pairs", (double) q.pairs());
                line(monitor, report, String.format(Locale.ROOT, "online: %s (%s) on the newest week's %d pairs: "
                        + "accuracy %.4f, ECE %.4f", c.id(), who, q.pairs(), q.accuracy(), q.ece()));
            }
        }
    }

    /** PPO from the serving policy against {@code reward}; its versions are candidates, never announced. */
    private Checkpoint ppo(Checkpoint reward, JobMonitor monitor) {
        Map<String, String> ppo = new LinkedHashMap<>(p.ppo());
        ppo.put("iterations", Integer.toString(p.ppoIterations()));
        ppo.put("reward-version", Integer.toString(reward.version()));
        PpoConnections quiet = new PpoConnections(connections.ppo().rollouts(), candidate -> -1L);
        TrainingJob job = new JobFactory(store, factory.dataDirectory(), quiet).create(JobKind.PPO, ppo);
        return job.run(monitor).checkpoint();
    }

    /**
     * The policy gate: the candidate and the previous policy each answer the held-out prompts at temperature 1 (the
     * same seed per prompt); the reward model judges each pair, and the candidate's own answers measure its KL to
     * the previous policy.
     */
    private GateDecision policyGate(Checkpoint previous, Checkpoint candidate, Checkpoint reward,
            Map<String, Double> metrics, List<String> report, JobMonitor monitor) {
        try (LoadedCheckpoint before = store.load(previous.kind(), previous.version());
                LoadedCheckpoint after = store.load(ModelStoreLayout.POLICY, candidate.version());
                LoadedCheckpoint judge = store.load(ModelStoreLayout.REWARD, reward.version())) {
            List<String> prompts = heldOutPrompts(after);
            PolicyEvaluator.Settings settings = new PolicyEvaluator.Settings(1f, p.gateSeed(), p.maxNewTokens(), 32);
            PolicyEvaluator evaluator = new PolicyEvaluator(before.model(), judge.model(), after.tokenizer(), settings);
            PolicyEvaluator.Result challenger = evaluator.evaluate(after.model(), prompts, PolicyEvaluator.Progress.NONE);
            PolicyEvaluator.Result incumbent = evaluator.evaluate(before.model(), prompts, PolicyEvaluator.Progress.NONE);
            long wins = 0;
            long ties = 0;
            long losses = 0;
            for (int i = 0; i < prompts.size(); i++) {
                double d = challenger.samples().get(i).reward() - incumbent.samples().get(i).reward();
                if (d > p.tieMargin()) {
                    wins++;
                } else if (d < -p.tieMargin()) {
                    losses++;
                } else {
                    ties++;
                }
            }
            PolicyGate.Judged byReward = new PolicyGate.Judged(reward.id(), wins, ties, losses);
            GateDecision decision = new PolicyGate(p.policyGate()).judge(candidate.id(), challenger.meanKl(),
                    List.of(byReward));
            metrics.put("online.policy.gate.prompts", (double) prompts.size());
            metrics.put("online.policy.kl_to_previous", challenger.meanKl());
            metrics.put("online.policy.win_rate", byReward.winRate());
            metrics.put("online.policy.wins", (double) wins);
            metrics.put("online.policy.ties", (double) ties);
            metrics.put("online.policy.losses", (double) losses);
            metrics.put("online.policy.reward.candidate", challenger.meanReward().orElse(Double.NaN));
            metrics.put("online.policy.reward.previous", incumbent.meanReward().orElse(Double.NaN));
            metrics.put("online.policy.promoted", decision.promote() ? 1.0 : 0.0);
            line(monitor, report, String.format(Locale.ROOT, "online policy gate (%s against %s on %d held-out "
                    + "prompts, temperature 1, judged by %s): %s", candidate.id(), previous.id(), prompts.size(),
                    reward.id(), decision.summary()));
            return decision;
        }
    }

    /** Single-turn prompts of validation and test users that leave room for the answer. */
    private List<String> heldOutPrompts(LoadedCheckpoint policy) {
        int room = policy.model().config().contextLength() - p.maxNewTokens();
        List<String> prompts = new ArrayList<>();
        for (PromptRecord r : PromptRecord.read(p.ppoPrompts())) {
            if (prompts.size() >= p.gatePrompts()) {
                break;
            }
            List<ChatMessage> turns = r.prompt();
            if (r.split().heldOut() && turns.size() == 1 && turns.get(0).role() == ChatMessage.Role.USER
                    && PromptResponse.promptIds(policy.tokenizer(), turns.get(0).content()).length <= room) {
                prompts.add(turns.get(0).content());
            }
        }
        if (prompts.isEmpty()) {
            throw new JobPreconditionException("no held-out (validation or test) single-turn prompt in "
                    + p.ppoPrompts() + " fits the context: the policy gate has nothing to judge on");
        }
        return prompts;
    }

    /** Publishes what will serve: the weights of {@code serve}, with this week's gates and data in its manifest. */
    private JobResult publishServed(Checkpoint serve, Checkpoint reward, DatasetRef snapshot,
            Map<String, Double> metrics, List<String> report) {
        try (LoadedCheckpoint weights = store.load(serve.kind(), serve.version())) {
            GptModel model = weights.model();
            return Publication.publish(store, kind(), ModelStoreLayout.POLICY, model, weights.tokenizer(),
                    List.of(serve.id(), reward.id()), List.of(snapshot), metrics, report);
        }
    }

    private void writeSummary(Week week, JobResult published, Map<String, Double> metrics, List<String> report) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("week", week.number());
        summary.put("serving", published.checkpoint().id());
        summary.put("parents", published.parents());
        summary.put("metrics", metrics);
        summary.put("report", report);
        try {
            Files.writeString(week.dir().resolve(SUMMARY), new GsonBuilder().setPrettyPrinting()
                    .serializeSpecialFloatingPointValues().disableHtmlEscaping().create().toJson(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void line(JobMonitor monitor, List<String> report, String line) {
        monitor.log(line);
        report.add(line);
    }
}
