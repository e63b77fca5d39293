package rlhf.trainer.jobs.ppo;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDManager;
import rlhf.model.GptModel;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.trainer.data.CorpusDocument;
import rlhf.trainer.data.DatasetRef;
import rlhf.trainer.data.JsonlFile;
import rlhf.trainer.data.PromptRecord;
import rlhf.trainer.jobs.JobCancelledException;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.training.CheckpointInputs;
import rlhf.trainer.jobs.training.EpochBatches;
import rlhf.trainer.jobs.training.MonitoredTraining;
import rlhf.trainer.jobs.training.Publication;
import rlhf.trainer.ppo.ActorCritic;
import rlhf.trainer.ppo.Critic;
import rlhf.trainer.ppo.KlCoefficient;
import rlhf.trainer.ppo.PpoLearner;
import rlhf.trainer.ppo.PpoOptimizers;
import rlhf.trainer.ppo.PretrainingBatches;
import rlhf.trainer.ppo.RolloutSample;
import rlhf.wire.ModelStoreLayout;

/**
 * InstructGPT's RL stage (arXiv:2203.02155 §3.5, eq. 2) as an actor–learner loop. Each iteration, for policy version v:
 * take the rollouts already waiting (within the staleness bound), publish rollout requests for v for the rest → gather the rollouts the workers send back (older than v − max-staleness: dropped
 * and counted) → learn ({@link PpoLearner}: recompute, SFT reference, shaped rewards, advantages by the group baseline
 * or GAE, E epochs of PPO, the KL coefficient) → publish {@code policy/v+1} (parents policy/vN, sft/vM, reward/vK) → announce it → only then commit
 * the consumed rollouts. Killed in between, a new run starts from the newest published policy and re-reads every
 * uncommitted rollout.
 *
 * <p>The policy starts from the newest {@code policy} version; with none, {@code policy/v1} is published as a copy of
 * the SFT model (rollout requests must name a stored version). The frozen KL reference is the SFT model, not the
 * previous policy. With {@code advantage=gae} a {@link Critic} starts from SFT with a zero value head. The iteration id of the
 * requests is the policy version they sample from. The KL coefficient resumes from the newest policy's manifest.
 */
public final class PpoJob implements TrainingJob {

    /** How long an iteration looks for rollouts already waiting before it requests new ones. */
    private static final java.time.Duration BACKLOG_WAIT = java.time.Duration.ofSeconds(1);

    private final CheckpointStore store;
    private final PpoParameters p;
    private final Map<String, String> parameters;
    private final PpoConnections connections;

    public PpoJob(CheckpointStore store, PpoParameters parameters, Map<String, String> resolved,
            PpoConnections connections) {
        this.store = store;
        this.p = parameters;
        this.parameters = Map.copyOf(resolved);
        this.connections = connections;
    }

    @Override
    public JobKind kind() {
        return JobKind.PPO;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public boolean announcesItself() {
        return true;
    }

    @Override
    public void checkPreconditions() {
        if (connections == null) {
            throw new JobPreconditionException("PPO needs a Kafka cluster for its rollouts (command: --kafka HOST:PORT)");
        }
        CheckpointInputs.require(store, ModelStoreLayout.SFT, p.sftVersion(), "sft-version", "an SFT job");
        CheckpointInputs.require(store, ModelStoreLayout.REWARD, p.rewardVersion(), "reward-version", "a REWARD_MODEL job");
        if (!Files.isRegularFile(p.prompts())) {
            throw new JobPreconditionException("prompts not found: " + p.prompts() + " (parameter 'data')");
        }
        if (p.settings().ptxCoef() > 0 && !Files.isRegularFile(p.ptxData())) {
            throw new JobPreconditionException("PPO-ptx corpus not found: " + p.ptxData() + " (parameter 'ptx-data')");
        }
    }

    @Override
    public JobResult run(JobMonitor monitor) {
        checkPreconditions();
        List<PromptRecord> prompts = trainPrompts();
        List<DatasetRef> datasets = new ArrayList<>(List.of(JsonlFile.reference(p.prompts(), prompts.size())));
        Checkpoint start = currentPolicy(monitor);
        try (LoadedCheckpoint policy = store.load(ModelStoreLayout.POLICY, start.version());
                LoadedCheckpoint sft = CheckpointInputs.load(store, ModelStoreLayout.SFT, p.sftVersion());
                Critic critic = p.estimator().needsCritic()
                        ? Critic.fromSft(sft.model(), p.criticWarmupIterations()) : null;
                RolloutExchange exchange = connections.rollouts().get()) {
            Checkpoint reward = p.rewardVersion() == 0 ? store.latest(ModelStoreLayout.REWARD).orElseThrow()
                    : store.checkpoint(ModelStoreLayout.REWARD, p.rewardVersion());
            List<PromptRecord> fitting = fitting(prompts, policy, monitor);
            PretrainingBatches ptx = pretraining(policy, datasets);
            PpoLearner learner = new PpoLearner(policy.model(), sft.model(), critic, p.estimator(), p.settings(),
                    klCoefficient(start), ptx);
            Models models = new Models(policy, sft.checkpoint(), reward, critic);
            monitor.log(String.format(Locale.ROOT, "ppo: %s (reference %s, rewards from %s), %d train prompts, "
                    + "%d iterations of %d x %d rollouts, advantages %s", start.id(), sft.checkpoint().id(),
                    reward.id(), fitting.size(), p.iterations(), p.promptsPerIteration(), p.samplesPerPrompt(),
                    p.estimator()));
            return iterations(fitting, datasets, models, learner, exchange, monitor);
        }
    }

    /** The loaded models of a run. */
    private record Models(LoadedCheckpoint policy, Checkpoint sft, Checkpoint reward, Critic critic) {
    }

    /** What every iteration of a run shares. */
    private record Run(List<PromptRecord> prompts, List<DatasetRef> datasets, Models models, PpoLearner learner,
            MonitoredTraining training, RolloutExchange exchange, JobMonitor monitor) {
    }

    private JobResult iterations(List<PromptRecord> prompts, List<DatasetRef> datasets, Models models,
            PpoLearner learner, RolloutExchange exchange, JobMonitor monitor) {
        ActorCritic actorCritic = new ActorCritic(models.policy().model(), models.critic());
        int stepsPerIteration = p.settings().epochs()
                * EpochBatches.steps(p.rolloutsPerIteration(), p.settings().minibatchSize(), 1);
        int totalSteps = Math.max(2, p.iterations() * stepsPerIteration);
        try (ActorCritic.Training ignored = actorCritic.training();
                NDManager manager = actorCritic.policy().manager().newSubManager();
                PpoOptimizers optimizers = new PpoOptimizers(actorCritic, p.optimizers(), totalSteps)) {
            MonitoredTraining training = MonitoredTraining.ofGroups(manager, optimizers.groups(), totalSteps, monitor,
                    "ppo");
            Run run = new Run(prompts, datasets, models, learner, training, exchange, monitor);
            Checkpoint current = models.policy().checkpoint();
            JobResult last = null;
            for (int i = 1; i <= p.iterations(); i++) {
                last = iteration(i, current, run);
                current = last.checkpoint();
            }
            return last;
        }
    }

    /** One iteration: request → gather → learn → publish v+1 → announce → commit. */
    private JobResult iteration(int index, Checkpoint current, Run run) {
        long version = current.version();
        long gatherStart = System.nanoTime();
        RolloutExchange.Gathered gathered = gather(version, run);
        double gatherSeconds = (System.nanoTime() - gatherStart) / 1e9;
        if (run.monitor().cancelRequested()) {
            throw new JobCancelledException(index - 1);
        }
        List<RolloutSample> rollouts = usable(gathered, version, run);
        PpoLearner.IterationReport report = run.learner().learn(rollouts, run.training()::step);
        IterationMetrics metrics = IterationMetrics.of(index, version, gathered, report, WorkerTimes.of(rollouts, gatherSeconds),
                run.training().skipped());
        metrics.report(run.monitor());
        Models models = run.models();
        JobResult published = Publication.publish(store, kind(), ModelStoreLayout.POLICY, models.policy().model(),
                models.policy().tokenizer(), List.of(current.id(), models.sft().id(), models.reward().id()),
                run.datasets(), metrics.values(), List.of(metrics.line(p.iterations())));
        long offset = connections.announcer().announce(published);
        run.exchange().commit(); // only now: a run that dies before this line re-reads these rollouts
        run.monitor().log(metrics.line(p.iterations()) + (offset < 0 ? " | a candidate: not announced"
                : " | announced at offset " + offset));
        return published;
    }

    /**
     * First what is already waiting (rollouts a killed run requested, or ones that arrived after the last iteration was
     * full; within the staleness bound), then requests for only the rest: a backlog is used up instead of keeping
     * every later iteration one version behind.
     */
    private RolloutExchange.Gathered gather(long version, Run run) {
        long minPolicyVersion = version - p.maxStaleness();
        RolloutExchange.Gathered backlog = run.exchange().gather(p.rolloutsPerIteration(), minPolicyVersion,
                BACKLOG_WAIT, run.monitor());
        int missing = p.rolloutsPerIteration() - backlog.rollouts().size();
        if (missing <= 0 || run.monitor().cancelRequested()) {
            return backlog;
        }
        int prompts = (missing + p.samplesPerPrompt() - 1) / p.samplesPerPrompt();
        run.exchange().request(requests(version, run.prompts(), run.models().reward().version(), prompts));
        return backlog.plus(run.exchange().gather(missing, minPolicyVersion, p.rolloutTimeout(), run.monitor()));
    }

    /** The gathered rollouts that fit the context; none is an error that names the likely cause. */
    private List<RolloutSample> usable(RolloutExchange.Gathered gathered, long version, Run run) {
        List<RolloutSample> rollouts = fitting(gathered.rollouts(),
                run.models().policy().model().config().contextLength(), run.monitor());
        if (rollouts.isEmpty()) {
            throw new IllegalStateException("no usable rollouts for policy v" + version + " within "
                    + p.rolloutTimeout().toSeconds() + " s (gathered " + gathered.rollouts().size() + ", stale "
                    + gathered.stale() + ", unreadable " + gathered.invalid()
                    + "): are the policy-service rollout workers running?");
        }
        return rollouts;
    }

    /**
     * {@code count} prompts, walking a seeded shuffle of the train prompts version by version, to be scored by the reward
     * model whose copy initialised the value model.
     */
    private List<RolloutRequestSpec> requests(long version, List<PromptRecord> prompts, long rewardVersion, int count) {
        List<PromptRecord> order = new ArrayList<>(prompts);
        Collections.shuffle(order, new Random(p.seed()));
        List<RolloutRequestSpec> requests = new ArrayList<>();
        long first = (version - 1) * p.promptsPerIteration();
        for (int i = 0; i < count; i++) {
            long position = first + i;
            PromptRecord prompt = order.get((int) (position % order.size()));
            long round = i / order.size();
            String id = round == 0 ? prompt.id() : prompt.id() + "~" + round;
            requests.add(new RolloutRequestSpec(id, prompt.prompt(), p.samplesPerPrompt(), p.maxNewTokens(), version,
                    rewardVersion, version, Map.of("dataset", "ppo-train")));
        }
        return requests;
    }

    /** Rollouts whose prompt + response fit the trainer's context (a worker's model always should). */
    private static List<RolloutSample> fitting(List<RolloutSample> rollouts, int context, JobMonitor monitor) {
        List<RolloutSample> fit = rollouts.stream().filter(r -> r.length() <= context).toList();
        if (fit.size() < rollouts.size()) {
            monitor.log("ppo: dropped " + (rollouts.size() - fit.size()) + " rollouts longer than the context " + context);
        }
        return fit;
    }

    /**
     * The prompts that leave room for {@code max-new-tokens} in the policy's context. The rollout workers reject any
     * other request (INVALID_ARGUMENT, dead-lettered), so an iteration that asked for one would wait its whole rollout
     * timeout for answers that never come.
     */
    private List<PromptRecord> fitting(List<PromptRecord> prompts, LoadedCheckpoint policy, JobMonitor monitor) {
        int context = policy.model().config().contextLength();
        List<PromptRecord> fit = prompts.stream()
                .filter(r -> PromptResponse.promptIds(policy.tokenizer(), r.prompt()).length + p.maxNewTokens() <= context)
                .toList();
        if (fit.isEmpty()) {
            throw new JobPreconditionException("no split=train prompt in " + p.prompts() + " leaves room for "
                    + p.maxNewTokens() + " new tokens (parameter 'max-new-tokens') in the context of " + context);
        }
        if (fit.size() < prompts.size()) {
            monitor.log("ppo: skipped " + (prompts.size() - fit.size()) + " train prompts that leave no room for "
                    + p.maxNewTokens() + " new tokens in the context of " + context);
        }
        return fit;
    }

    private List<PromptRecord> trainPrompts() {
        List<PromptRecord> prompts = PromptRecord.read(p.prompts()).stream().filter(r -> !r.split().heldOut())
                .filter(r -> !r.id().isBlank()).toList();
        if (prompts.isEmpty()) {
            throw new JobPreconditionException("no split=train prompts with an id in " + p.prompts());
        }
        return prompts;
    }

    /** The newest policy; with none, {@code policy/v1} = a copy of the SFT model, published and announced. */
    private Checkpoint currentPolicy(JobMonitor monitor) {
        return store.latest(ModelStoreLayout.POLICY).orElseGet(() -> {
            try (LoadedCheckpoint sft = CheckpointInputs.load(store, ModelStoreLayout.SFT, p.sftVersion())) {
                JobResult first = Publication.publish(store, kind(), ModelStoreLayout.POLICY, sft.model(), sft.tokenizer(),
                        List.of(sft.checkpoint().id()), List.of(), Map.of("ppo.iteration", 0.0), List.of());
                connections.announcer().announce(first);
                monitor.log("ppo: published " + first.checkpoint().id() + " as a copy of " + sft.checkpoint().id());
                return first.checkpoint();
            }
        });
    }

    /** Adaptive (or fixed) β, resumed from the newest policy's manifest when it recorded one. */
    private KlCoefficient klCoefficient(Checkpoint policy) {
        double klCoef = policy.manifest().lineage().metrics().getOrDefault(IterationMetrics.NEXT_KL_COEF, (double) p.klCoef());
        return p.targetKl() > 0 ? KlCoefficient.adaptive(klCoef, p.targetKl(), p.klUnit(), p.klHorizon())
                : KlCoefficient.fixed(klCoef);
    }

    private PretrainingBatches pretraining(LoadedCheckpoint policy, List<DatasetRef> datasets) {
        if (p.settings().ptxCoef() <= 0) {
            return null;
        }
        List<CorpusDocument> documents = CorpusDocument.read(p.ptxData());
        datasets.add(JsonlFile.reference(p.ptxData(), documents.size()));
        return new PtxCorpus(documents, policy.tokenizer(), p.ptxBatchSize(), p.ptxWindow(),
                policy.model().config().contextLength(), p.seed());
    }
}
