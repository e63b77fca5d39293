package rlhf.demo.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDManager;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.Rubric;
import rlhf.demo.taskworld.TaskParser;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.GptModel;
import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.model.train.TrainingLoop;
import rlhf.trainer.ppo.ActorCritic;
import rlhf.trainer.ppo.AdvantageEstimator;
import rlhf.trainer.ppo.Critic;
import rlhf.trainer.ppo.GaeEstimator;
import rlhf.trainer.ppo.GroupBaselineEstimator;
import rlhf.trainer.ppo.KlCoefficient;
import rlhf.trainer.ppo.PpoLearner;
import rlhf.trainer.ppo.PpoOptimizers;
import rlhf.trainer.ppo.PpoSettings;
import rlhf.trainer.ppo.RolloutSample;
import rlhf.wire.ModelStoreLayout;

/**
 * PPO against the gold reward: the task-world rubric's Likert score instead of a learned reward model, with the
 * trainer's own PPO learner (the same experience, GAE, clipped updates and adaptive KL as the PPO job) on rollouts
 * sampled in this process. It separates the two ways a PPO run can fail to beat SFT: if the policy improves against
 * the rubric here but not against the reward model in the real loop, the reward model is the bottleneck (Gao et al.
 * 2022 call this a gold reward model). Each printed version is judged against SFT on held-out prompts; the last one is
 * published as a policy version so {@code evaluate-versions} can judge it in full.
 *
 * <pre>
 * ./rlhf gold-ppo [--iterations 30] [--prompts 32] [--samples 2] [--lr 5e-5] [--eval-every 10] [--eval-limit 500]
 *     [--minibatch 8] [--epochs 4]
 * </pre>
 */
public final class GoldRewardPpo {

    private GoldRewardPpo() {
    }

    /**
     * The run's size and learning settings.
     *
     * @param promptsPerIteration prompts sampled per iteration, each answered {@code samples} times
     * @param evalEvery           judge the policy against SFT every this many iterations (and after the last)
     * @param evalLimit           held-out prompts the judge reads
     */
    public record Settings(int iterations, int promptsPerIteration, int samples, float lr, int evalEvery, int evalLimit,
            int minibatch, int epochs, boolean gae, float klCoef) {
    }

    /** Runs PPO against the rubric from the newest SFT model, judging it against SFT as it goes. */
    public static void run(Path store, Path data, Settings s) {
        int iterations = s.iterations();
        int promptsPerIteration = s.promptsPerIteration();
        int samples = s.samples();
        float lr = s.lr();
        int evalEvery = s.evalEvery();
        int evalLimit = s.evalLimit();
        int minibatch = s.minibatch();
        int epochs = s.epochs();
        int maxNewTokens = 48;
        CheckpointStore checkpoints = new CheckpointStore(store);
        List<PromptRecord> train = Jsonl.read(data.resolve(TaskWorldData.PPO_PROMPTS), PromptRecord.class).stream()
                .filter(r -> r.split().equals("train")).toList();
        List<String> heldOut = Jsonl.read(data.resolve(TaskWorldData.EVAL_PROMPTS), PromptRecord.class).stream()
                .map(PromptRecord::prompt).limit(evalLimit).toList();
        AdvantageEstimator estimator = s.gae() ? new GaeEstimator(1f, 0.95f) : new GroupBaselineEstimator();
        try (LoadedCheckpoint sft = checkpoints.loadLatest(ModelStoreLayout.SFT);
                GptModel policy = sft.model().copy();
                Critic critic = estimator.needsCritic() ? Critic.fromSft(sft.model(), 1) : null) {
            TextTokenizer tokenizer = sft.tokenizer();
            int context = policy.config().contextLength();
            List<PromptRecord> fitting = train.stream()
                    .filter(r -> PromptResponse.promptIds(tokenizer, r.prompt()).length + maxNewTokens <= context)
                    .toList();
            PpoSettings settings = PpoSettings.DEFAULTS.withEpochs(epochs).withMinibatchSize(minibatch);
            PpoLearner learner = new PpoLearner(policy, sft.model(), critic, estimator, settings,
                    KlCoefficient.fixed(s.klCoef()), null);
            System.out.printf(Locale.ROOT, "gold-reward PPO from %s: %d iterations of %d prompts x %d samples, lr %.1e, "
                    + "%d epochs of minibatches of %d, advantages %s, beta %.3f, reward = rubric Likert (1..7), "
                    + "%d train prompts%n", sft.checkpoint().id(), iterations, promptsPerIteration, samples, lr, epochs,
                    minibatch, estimator, s.klCoef(), fitting.size());
            List<String> sftSampled = answers(sft.model(), tokenizer, heldOut, maxNewTokens, 1f);
            List<String> sftGreedy = answers(sft.model(), tokenizer, heldOut, maxNewTokens, 0f);
            System.out.println("judge: " + heldOut.size() + " held-out prompts, task-world rubric, temperature 1 "
                    + "(seed " + JUDGE_SEED + " per prompt) and greedy");
            ModelEvaluation.print("sft t=1", Evaluation.report(heldOut, sftSampled));
            ModelEvaluation.print("sft greedy", Evaluation.report(heldOut, sftGreedy));
            ActorCritic actorCritic = new ActorCritic(policy, critic);
            int stepsPerIteration = settings.epochs() * ((promptsPerIteration * samples + minibatch - 1) / minibatch);
            int totalSteps = iterations * stepsPerIteration + 2;
            Random random = new Random(11);
            ActorCritic.Training training = actorCritic.training();
            try (NDManager manager = policy.manager().newSubManager();
                    PpoOptimizers optimizers = new PpoOptimizers(actorCritic,
                            new PpoOptimizers.Settings(lr, lr, 1f, 2 * lr, 1f, 1e-5f, 0), totalSteps)) {
                TrainingLoop loop = new TrainingLoop(manager, optimizers.groups(),
                        new TrainingLoop.Settings(totalSteps, 0f, 0).skippingNonFiniteGradients(), line -> { },
                        new TrainingLoop.StepListener() { });
                for (int it = 1; it <= iterations; it++) {
                    List<PromptRecord> batch = sample(fitting, promptsPerIteration, random);
                    List<RolloutSample> rollouts = rollouts(policy, tokenizer, batch, samples, maxNewTokens, it);
                    PpoLearner.IterationReport r = learner.learn(rollouts, loop::step);
                    double likert = rollouts.stream().mapToDouble(RolloutSample::reward).average().orElse(Double.NaN);
                    System.out.printf(Locale.ROOT, "  iteration %d: rubric Likert of rollouts %.3f | KL %.4f | beta %.4f "
                            + "| clip %.3f | entropy %.3f | tokens %.1f%n", it, likert, r.stats().klMean(), r.klCoef(),
                            r.update().clipFraction(), r.stats().entropy(), r.stats().responseTokens());
                    if (it % evalEvery == 0 || it == iterations) {
                        training.close(); // the judge's answers are sampled outside training mode
                        List<String> sampled = answers(policy, tokenizer, heldOut, maxNewTokens, 1f);
                        List<String> greedy = answers(policy, tokenizer, heldOut, maxNewTokens, 0f);
                        training = actorCritic.training();
                        ModelEvaluation.print("ppo@" + it + " t=1", Evaluation.report(heldOut, sampled));
                        System.out.println("  win rate of ppo@" + it + " over sft, temperature 1: "
                                + Evaluation.winRate(heldOut, sampled, sftSampled));
                        System.out.println("  win rate of ppo@" + it + " over sft, greedy: "
                                + Evaluation.winRate(heldOut, greedy, sftGreedy));
                    }
                }
            } finally {
                training.close();
            }
        }
    }

    private static List<PromptRecord> sample(List<PromptRecord> prompts, int n, Random random) {
        List<PromptRecord> copy = new ArrayList<>(prompts);
        Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(n, copy.size()));
    }

    /** n samples per prompt at temperature 1 with the generator's raw log-probs, rewarded by the rubric. */
    private static List<RolloutSample> rollouts(GptModel policy, TextTokenizer tokenizer, List<PromptRecord> batch,
            int n, int maxNewTokens, int iteration) {
        List<int[]> ids = batch.stream().map(r -> PromptResponse.promptIds(tokenizer, r.prompt())).toList();
        List<Generation> generations = new GenerationEngine(policy, tokenizer.endOfTextId(), 64)
                .generate(ids, SamplingParams.sampling(maxNewTokens, 1f, 1000L + iteration).withSamplesPerPrompt(n));
        List<RolloutSample> out = new ArrayList<>();
        for (Generation g : generations) {
            PromptRecord prompt = batch.get(g.promptIndex());
            String answer = PromptResponse.answerText(tokenizer, g.tokens());
            int likert = Rubric.judge(TaskParser.parse(prompt.prompt()), answer).likert();
            out.add(new RolloutSample(prompt.id(), g.sampleIndex(), ids.get(g.promptIndex()), g.tokens(), g.logProbs(),
                    iteration, likert, 0, iteration, 0, 0, answer, Map.of("category", prompt.category())));
        }
        return out;
    }

    /** The judge's sampling seed: prompt i draws from the stream of (seed, i) in every model. */
    static final long JUDGE_SEED = 7;

    private static List<String> answers(GptModel model, TextTokenizer tokenizer, List<String> prompts, int maxNewTokens,
            float temperature) {
        List<int[]> ids = prompts.stream().map(p -> PromptResponse.promptIds(tokenizer, p)).toList();
        List<String> out = new ArrayList<>(Collections.nCopies(prompts.size(), ""));
        SamplingParams params = temperature == 0 ? SamplingParams.greedy(maxNewTokens)
                : SamplingParams.sampling(maxNewTokens, temperature, JUDGE_SEED);
        for (Generation g : new GenerationEngine(model, tokenizer.endOfTextId(), 64).generate(ids, params)) {
            out.set(g.promptIndex(), PromptResponse.answerText(tokenizer, g.tokens()));
        }
        return out;
    }
}
