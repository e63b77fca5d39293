package rlhf.demo.pipeline;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.demo.LocalStack;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.Labeler;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.policy.v1.ListModelsRequest;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.reward.v1.CompareRequest;
import rlhf.reward.v1.CompareResponse;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.trainer.eval.PolicyEvaluator;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.wire.ModelStoreLayout;

/**
 * InstructGPT's stages 0–3 on the task world, driven through the running services' public APIs: the task world
 * writes its data sets, the trainer (admin gRPC) pretrains the base model and fine-tunes it (SFT), a simulated
 * labeler ranks K SFT answers per prompt, the trainer fits the reward model, the reward service picks the new
 * version up from rlhf.model-versions, the trainer runs PPO against it (the policy service's rollout workers sample,
 * the reward service scores, each iteration's policy version is announced and hot-swapped in), and the rubric judges
 * SFT against base and the newest policy against SFT on held-out prompts. Then the simulated weeks of online
 * feedback ({@link OnlineWeeks}): chat users and labelers through the gateway, one gated online iteration per week.
 */
public final class Pipeline {

    /**
     * PPO iterations of a default run with the trainer's default sizes (16 prompts x 4 samples, group baseline). 10,
     * not the 20-30 after which the gold-reward run's win rate over SFT levels off: the online weeks that follow (10
     * more each) carry the policy on, gated. With 30 here the policy already stood where the reward model could take
     * it (v31: win rate 0.701 over SFT) and both weeks refused their candidates; with 10 (v11: 0.676) week 1 promoted a
     * policy the outside judge prefers (decided share 0.661 [0.587, 0.728] over v11) and week 2 refused its candidate
     * (README, 2026-12-07).
     */
    public static final int PPO_ITERATIONS = 10;

    /** Simulated weeks of online feedback of a default run. */
    public static final int WEEKS = 2;

    /** Pretraining steps of a default run: about 12 minutes on 2 CPU cores. */
    public static final int PRETRAIN_STEPS = 5000;

    /**
     * Knobs of a run; the defaults are the task world's full sizes.
     *
     * @param ppoIterations PPO iterations (each publishes one policy version); 0 skips the PPO stage
     */
    public record Settings(long seed, int pretrainSteps, double labelerNoise, int rmPrompts, int ppoIterations,
            int weeks) {
        public static final Settings DEFAULT = new Settings(1, PRETRAIN_STEPS, 0.1, Integer.MAX_VALUE, PPO_ITERATIONS,
                WEEKS);

        public Settings withSeed(long seed) {
            return new Settings(seed, pretrainSteps, labelerNoise, rmPrompts, ppoIterations, weeks);
        }

        public Settings withPretrainSteps(int pretrainSteps) {
            return new Settings(seed, pretrainSteps, labelerNoise, rmPrompts, ppoIterations, weeks);
        }

        public Settings withRmPrompts(int rmPrompts) {
            return new Settings(seed, pretrainSteps, labelerNoise, rmPrompts, ppoIterations, weeks);
        }

        public Settings withPpoIterations(int ppoIterations) {
            return new Settings(seed, pretrainSteps, labelerNoise, rmPrompts, ppoIterations, weeks);
        }

        /** Simulated weeks of online feedback after the initial pipeline (they need PPO: none without it). */
        public Settings withWeeks(int weeks) {
            return new Settings(seed, pretrainSteps, labelerNoise, rmPrompts, ppoIterations, weeks);
        }
    }

    private final LocalStack stack;
    private final Settings settings;
    private final Consumer<String> out;

    public Pipeline(LocalStack stack, Settings settings, Consumer<String> out) {
        this.stack = stack;
        this.settings = settings;
        this.out = out;
    }

    public void run() throws InterruptedException {
        Path data = stack.dataDir();
        out.accept("task world: data sets → " + data);
        new TaskWorldData(settings.seed()).writeAll(data, TaskWorldData.Sizes.DEFAULT, line -> out.accept("  " + line));
        int trainerPort = stack.portOf("trainer-service").orElseThrow();
        try (TrainerClient trainer = new TrainerClient(trainerPort, stack.trainerAdminToken())) {
            report(trainer.run(JobKind.JOB_KIND_PRETRAIN, Map.of("steps", String.valueOf(settings.pretrainSteps())),
                    Duration.ofHours(2), line -> out.accept("  " + line)));
            // 6 epochs, not the job's 3: the held-out answer loss is a little worse (0.367 against 0.353) but the rubric
            // judges the answers better (mean Likert 5.95 against 5.85), and the reward model starts from a model that
            // orders more of the labelers' pairs right (issue 4's notes, fourth session)
            report(trainer.run(JobKind.JOB_KIND_SFT, Map.of("epochs", "6"), Duration.ofHours(2),
                    line -> out.accept("  " + line)));
            makeComparisons(data);
            freezeRegressionSet(data);
            // two epochs: the task world's ~1.3k train comparisons are far fewer than InstructGPT's, so one is not enough;
            // more train the SFT model's knowledge away (issue 4's notes)
            report(trainer.run(JobKind.JOB_KIND_REWARD_MODEL, Map.of("epochs", "2"), Duration.ofHours(2),
                    line -> out.accept("  " + line)));
            if (settings.ppoIterations() > 0) {
                ppo(trainer);
            }
        }
        evaluate(data);
        askRewardService();
        if (settings.weeks() > 0 && settings.ppoIterations() > 0) {
            try (TrainerClient trainer = new TrainerClient(trainerPort, stack.trainerAdminToken())) {
                List<OnlineWeeks.Week> weeks = new OnlineWeeks(stack, OnlineWeeks.Settings.DEFAULT
                        .withWeeks(settings.weeks()), out).run(trainer);
                OnlineWeeks.table(weeks, out);
                Path report = new rlhf.demo.report.OnlineReport(stack.modelStore(), data).write(weeks.stream()
                        .map(w -> new rlhf.demo.report.OnlineReport.Judged(w.number(), w.servedBefore(),
                                w.servedAfter(), w.judged().mean(), w.judged().decidedShare(), w.judged().wins(),
                                w.judged().ties(), w.judged().losses())).toList());
                out.accept("report: " + report + " (served at http://localhost:" + trainerPort + "/admin/report)");
            }
        }
    }

    /**
     * The online iteration's frozen regression set: the labelers' comparisons of the test users, as they are now. A
     * later reward model must still order them (the gate), whatever the weeks bring.
     */
    private void freezeRegressionSet(Path data) {
        try {
            List<String> test = Files.readAllLines(data.resolve(TaskWorldData.COMPARISONS)).stream()
                    .filter(l -> l.contains("\"split\":\"test\"")).toList();
            Files.write(data.resolve(TaskWorldData.REGRESSION), test);
            out.accept("labeler: " + test.size() + " test users' comparisons frozen as the reward-model gate's "
                    + "regression set (" + TaskWorldData.REGRESSION + ")");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * PPO against the new reward model: the trainer requests rollouts on rlhf.prompts, the policy service samples them
     * and the reward service scores them; every iteration publishes a policy version, reported from its manifest.
     */
    private void ppo(TrainerClient trainer) throws InterruptedException {
        CheckpointStore store = new CheckpointStore(stack.modelStore());
        int before = store.latest(ModelStoreLayout.POLICY).map(Checkpoint::version).orElse(0);
        out.accept("ppo: " + settings.ppoIterations() + " iterations; rollouts from the policy service's workers, "
                + "scored by the reward service");
        trainer.run(JobKind.JOB_KIND_PPO, Map.of("iterations", String.valueOf(settings.ppoIterations()),
                "seed", String.valueOf(settings.seed())), Duration.ofHours(2), line -> out.accept("  " + line));
        for (int version : store.versions(ModelStoreLayout.POLICY)) {
            if (version > before) {
                out.accept(ppoLine(store.checkpoint(ModelStoreLayout.POLICY, version)));
            }
        }
        askPolicyService(store.latest(ModelStoreLayout.POLICY).orElseThrow().version());
    }

    /** Shows the hot swap: the policy service serves the newest policy to unversioned calls once it has loaded it. */
    private void askPolicyService(int newest) throws InterruptedException {
        int port = stack.portOf("policy-service").orElseThrow();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            ModelRef wanted = ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(newest).build();
            ModelRef serving = ModelRef.getDefaultInstance();
            for (int attempt = 0; attempt < 30 && !serving.equals(wanted); attempt++) {
                if (attempt > 0) {
                    Thread.sleep(1_000); // the announcement may still be loading
                }
                serving = PolicyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).build())
                        .getServing();
            }
            out.accept(String.format("policy-service: serves %s v%d to unversioned calls",
                    ModelStoreLayout.kindDirectory(serving.getKind()), serving.getVersion()));
        } finally {
            channel.shutdownNow();
        }
    }

    /** One published policy version: a copy of SFT (the start), or what its PPO iteration measured. */
    private static String ppoLine(Checkpoint policy) {
        Map<String, Double> m = policy.manifest().lineage().metrics();
        if (!m.containsKey("ppo.rollouts")) {
            return String.format("trainer: published policy v%d, a copy of %s (where PPO starts)", policy.version(),
                    String.join(", ", policy.manifest().lineage().parents()));
        }
        return String.format("trainer: published policy v%d | reward %.4f | KL to SFT %.4f (beta %.4f) | clip %.3f | "
                + "entropy %.3f | rollouts %.0f (%.0f stale) | time gen %.1fs score %.1fs ref %.1fs update %.1fs",
                policy.version(), m.get("ppo.reward.mean"), m.get("ppo.kl"), m.get("ppo.kl.coef"),
                m.getOrDefault("ppo.clip.fraction", Double.NaN), m.get("ppo.entropy"), m.get("ppo.rollouts"),
                m.get("ppo.stale.rollouts"),
                m.get("ppo.time.generation"), m.get("ppo.time.scoring"), m.get("ppo.time.reference"),
                m.get("ppo.time.update"));
    }

    private void makeComparisons(Path data) {
        List<PromptRecord> prompts = Jsonl.read(data.resolve(TaskWorldData.RM_PROMPTS), PromptRecord.class);
        prompts = prompts.subList(0, Math.min(settings.rmPrompts(), prompts.size()));
        try (StoredPolicy sft = StoredPolicy.load(stack.modelStore(), ModelStoreLayout.SFT, 0)) {
            out.accept(String.format("labeler: K = 4..9 answers per prompt from sft/v%d at temperature %.1f, noise %.2f",
                    sft.version(), ComparisonMaker.DEFAULT_TEMPERATURE, settings.labelerNoise()));
            ComparisonMaker.Result r = new ComparisonMaker(new Labeler("labeler-1", settings.labelerNoise(), settings.seed() + 40),
                    settings.seed() + 41).make(sft, prompts, 64, settings.seed() + 42, 48, line -> out.accept("  " + line));
            Jsonl.write(data.resolve(TaskWorldData.COMPARISONS), r.comparisons());
            out.accept(String.format("labeler: %d comparisons (%d prompts skipped, all answers tied)",
                    r.comparisons().size(), r.allTied()));
        }
    }

    /**
     * The judge: SFT against base (greedy), then the newest policy against SFT as the spec judges it (temperature 1
     * with one seed per prompt, and greedy) with KL to SFT and the reward model's score; written as JSON too.
     */
    private void evaluate(Path data) {
        List<String> prompts = Jsonl.read(data.resolve(TaskWorldData.EVAL_PROMPTS), PromptRecord.class).stream()
                .map(PromptRecord::prompt).toList();
        List<String> sft = ModelEvaluation.answers(stack.modelStore(), ModelStoreLayout.SFT, prompts, 0, 0);
        List<String> base = ModelEvaluation.answers(stack.modelStore(), ModelStoreLayout.BASE, prompts, 0, 0);
        out.accept("judge: " + prompts.size() + " held-out prompts, greedy answers, task-world rubric");
        ModelEvaluation.print(ModelStoreLayout.SFT, Evaluation.report(prompts, sft));
        ModelEvaluation.print(ModelStoreLayout.BASE, Evaluation.report(prompts, base));
        out.accept("judge: win rate of sft over base " + Evaluation.winRate(prompts, sft, base));
        Optional<Checkpoint> policy = new CheckpointStore(stack.modelStore()).latest(ModelStoreLayout.POLICY);
        if (settings.ppoIterations() > 0 && policy.isPresent()) {
            Path report = stack.modelStore().resolveSibling("evaluation.json");
            // the spec's primary setting only: `./rlhf evaluate-versions` adds greedy (a minute the weeks need more)
            out.accept("judge: policy/v" + policy.get().version() + " against sft on " + prompts.size()
                    + " held-out prompts, temperature 1 (seed " + EVAL_SEED + " per prompt)");
            VersionEvaluation.run(data, report, prompts.size(), new VersionEvaluation.Options(stack.modelStore(),
                    List.of(policy.get().version()), 0, 0, new PolicyEvaluator.Settings(1f, EVAL_SEED, 48, 64)),
                    new PrintStream(new LineOutput(out), true, StandardCharsets.UTF_8), false);
        }
    }

    /** The judge's sampling seed: prompt i draws from the stream of (seed, i) in every model. */
    static final long EVAL_SEED = 7;

    /** Lines printed to a stream, handed to the pipeline's output one by one. */
    private static final class LineOutput extends OutputStream {
        private final Consumer<String> out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineOutput(Consumer<String> out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                out.accept(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    /** Shows the served reward model at work: an ideal answer against a wrong one (a case SFT samples contain). */
    private void askRewardService() throws InterruptedException {
        int port = stack.portOf("reward-service").orElseThrow();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            CompareResponse r = null;
            for (int attempt = 0; attempt < 30 && r == null; attempt++) {
                try {
                    r = RewardServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .compare(CompareRequest.newBuilder().setPrompt(Prompt.newBuilder().setText("Name 3 colors."))
                                    .setAnswerA("red, blue, gold.").setAnswerB("red, blue.").build());
                } catch (io.grpc.StatusRuntimeException e) {
                    Thread.sleep(1_000); // the new version may still be loading
                }
            }
            if (r != null) {
                out.accept(String.format("reward-service (reward/v%d): P(\"red, blue, gold.\" ≻ \"red, blue.\" | Name 3 colors.) = %.3f",
                        r.getRewardVersion(), r.getProbabilityAPreferred()));
            }
        } finally {
            channel.shutdownNow();
        }
    }

    private void report(Job job) {
        job.getPublishedList().forEach(v -> {
            StringBuilder sb = new StringBuilder(String.format("trainer: published %s v%d",
                    ModelStoreLayout.kindDirectory(v.getKind()), v.getVersion()));
            v.getMetricsMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .filter(e -> !e.getKey().contains(".bin"))
                    .forEach(e -> sb.append(String.format("%n    %s = %.4f", e.getKey(), e.getValue())));
            out.accept(sb.toString());
        });
    }

    /** True when the store already holds a reward model (the pipeline ran before in this work dir). */
    public static boolean alreadyTrained(Path modelStore) {
        return Files.isDirectory(modelStore.resolve(ModelStoreLayout.REWARD));
    }
}
