package rlhf.demo.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
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
import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;
import rlhf.trainer.ppo.KlCoefficient;
import rlhf.trainer.ppo.PpoLearner;
import rlhf.trainer.ppo.PpoSettings;
import rlhf.trainer.ppo.RolloutSample;
import rlhf.trainer.ppo.ValueModels;

/**
 * PPO against the gold reward: the task-world rubric's Likert score instead of a learned reward model, with the
 * trainer's own PPO learner (the same experience, GAE, clipped updates and adaptive KL as the PPO job) on rollouts
 * sampled in this process. It separates the two ways a PPO run can fail to beat SFT: if the policy improves against
 * the rubric here but not against the reward model in the real loop, the reward model is the bottleneck (Gao et al.
 * 2022 call this a gold reward model). Each printed version is judged against SFT on held-out prompts; the last one is
 * published as a policy version so {@code evaluate-versions} can judge it in full.
 *
 * <pre>
 * ./mvnw -B -pl demo exec:java@ppo-gold -Dexec.args="--store DIR --data DIR [--iterations 30] [--prompts 32]
 *     [--samples 2] [--lr 5e-5] [--eval-every 10] [--eval-limit 500] [--minibatch 8] [--epochs 4]"
 * </pre>
 */
public final class GoldRewardPpoMain {

    private GoldRewardPpoMain() {
    }

    public static void main(String[] args) {
        DjlDefaults.apply();
        Path store = Path.of("target", "model-store");
        Path data = Path.of("target", "taskworld");
        int iterations = 30;
        int promptsPerIteration = 32;
        int samples = 2;
        float lr = 5e-5f;
        int evalEvery = 10;
        int evalLimit = 500;
        int minibatch = 8;
        int epochs = 4;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> store = Path.of(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--prompts" -> promptsPerIteration = Integer.parseInt(args[++i]);
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--lr" -> lr = Float.parseFloat(args[++i]);
                case "--eval-every" -> evalEvery = Integer.parseInt(args[++i]);
                case "--eval-limit" -> evalLimit = Integer.parseInt(args[++i]);
                case "--minibatch" -> minibatch = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: GoldRewardPpoMain [--store DIR] [--data DIR] [--iterations N] "
                            + "[--prompts N] [--samples N] [--lr LR] [--eval-every N] [--eval-limit N] [--minibatch N] [--epochs N]");
                    System.exit(2);
                }
            }
        }
        int maxNewTokens = 48;
        CheckpointStore checkpoints = new CheckpointStore(store);
        List<PromptRecord> train = Jsonl.read(data.resolve(TaskWorldData.PPO_PROMPTS), PromptRecord.class).stream()
                .filter(r -> r.split().equals("train")).toList();
        List<String> heldOut = Jsonl.read(data.resolve(TaskWorldData.EVAL_PROMPTS), PromptRecord.class).stream()
                .map(PromptRecord::prompt).limit(evalLimit).toList();
        try (LoadedCheckpoint sft = checkpoints.loadLatest("sft");
                LoadedCheckpoint reward = checkpoints.loadLatest("reward");
                GptModel policy = sft.model().copy();
                GptModel value = ValueModels.fromRewardModel(reward.model())) {
            TextTokenizer tokenizer = sft.tokenizer();
            int context = policy.config().contextLength();
            List<PromptRecord> fitting = train.stream()
                    .filter(r -> PromptResponse.promptIds(tokenizer, r.prompt()).length + maxNewTokens <= context)
                    .toList();
            PpoSettings settings = new PpoSettings(epochs, minibatch, 0.2f, 0.2f, 1f, 0.95f, 0f, 0.5f, 0f, true, 1);
            PpoLearner learner = new PpoLearner(policy, sft.model(), value, settings,
                    KlCoefficient.adaptive(0.05, 4, 1000), null);
            System.out.printf(Locale.ROOT, "gold-reward PPO from %s: %d iterations of %d prompts x %d samples, lr %.1e, "
                    + "%d epochs of minibatches of %d, reward = rubric Likert (1..7), %d train prompts%n",
                    sft.checkpoint().id(), iterations, promptsPerIteration, samples, lr, epochs, minibatch,
                    fitting.size());
            List<String> sftAnswers = answers(sft.model(), tokenizer, heldOut, maxNewTokens);
            System.out.println("judge: " + heldOut.size() + " held-out prompts, greedy answers, task-world rubric");
            EvaluateMain.print("sft", Evaluation.report(heldOut, sftAnswers));
            Map<String, NDArray> trainable = new java.util.LinkedHashMap<>();
            policy.parameters().forEach((n, a) -> trainable.put("policy." + n, a));
            value.parameters().forEach((n, a) -> trainable.put("value." + n, a));
            int stepsPerIteration = settings.epochs() * ((promptsPerIteration * samples + minibatch - 1) / minibatch);
            Random random = new Random(11);
            policy.setTrainable(true);
            value.setTrainable(true);
            try (NDManager manager = policy.manager().newSubManager();
                    AdamW adam = new AdamW(trainable, new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0f))) {
                TrainingLoop loop = new TrainingLoop(manager, adam,
                        new WarmupCosineSchedule(lr, lr, 0, iterations * stepsPerIteration + 2),
                        new TrainingLoop.Settings(iterations * stepsPerIteration + 2, 1f, 0), line -> { });
                for (int it = 1; it <= iterations; it++) {
                    List<PromptRecord> batch = sample(fitting, promptsPerIteration, random);
                    List<RolloutSample> rollouts = rollouts(policy, tokenizer, batch, samples, maxNewTokens, it);
                    PpoLearner.IterationReport r = learner.learn(rollouts, loop::step);
                    double likert = rollouts.stream().mapToDouble(RolloutSample::reward).average().orElse(Double.NaN);
                    System.out.printf(Locale.ROOT, "  iteration %d: rubric Likert of rollouts %.3f | KL %.4f | beta %.4f "
                            + "| clip %.3f | entropy %.3f%n", it, likert, r.stats().klMean(), r.klCoef(),
                            r.update().clipFraction(), r.update().entropy());
                    if (it % evalEvery == 0 || it == iterations) {
                        policy.setTrainable(false);
                        List<String> answers = answers(policy, tokenizer, heldOut, maxNewTokens);
                        policy.setTrainable(true);
                        EvaluateMain.print("ppo@" + it, Evaluation.report(heldOut, answers));
                        System.out.println("  win rate of ppo@" + it + " over sft "
                                + Evaluation.winRate(heldOut, answers, sftAnswers));
                    }
                }
            } finally {
                policy.setTrainable(false);
                value.setTrainable(false);
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

    private static List<String> answers(GptModel model, TextTokenizer tokenizer, List<String> prompts, int maxNewTokens) {
        List<int[]> ids = prompts.stream().map(p -> PromptResponse.promptIds(tokenizer, p)).toList();
        List<String> out = new ArrayList<>(Collections.nCopies(prompts.size(), ""));
        for (Generation g : new GenerationEngine(model, tokenizer.endOfTextId(), 64).generate(ids,
                SamplingParams.greedy(maxNewTokens))) {
            out.set(g.promptIndex(), PromptResponse.answerText(tokenizer, g.tokens()));
        }
        return out;
    }
}
