package rlhf.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

import rlhf.model.GptModel;
import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.generate.TokenListener;
import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.trainer.algo.KlPenalty;

/**
 * How far a policy has moved from the reference (SFT) policy, and what the reward model thinks of it, on a prompt set
 * (InstructGPT's KL to SFT; hh-rlhf's reward against √KL). The policy answers every prompt once (seeded, batched
 * KV-cache generation); then every (prompt, answer) is scored teacher-forced by the policy and by the reference, and
 * by the reward model when there is one, in batched forwards:
 *
 * <pre>
 *   KL(π ‖ π_SFT) ≈ mean over answers of Σ_t [log π(a_t|s_t) − log π_SFT(a_t|s_t)]       k1, nats per answer
 *   k3 ≈ mean over answers of Σ_t [(ρ_t − 1) − log ρ_t],   ρ_t = π_SFT(a_t|s_t) / π(a_t|s_t)   ≥ 0 per token
 *   reward = mean over answers of r_θ(x, y)
 * </pre>
 *
 * The estimates are unbiased for the sequence KL only when the answers are samples of π itself (temperature 1); greedy
 * or tempered answers give the log-ratio on the answers the policy actually gives. Ids follow {@link PromptResponse}
 * (response ids as generated, with their end-of-text; the reward model reads them as the PPO rollouts' do); the
 * policy, the reference and the reward model must share the tokenizer given. A prompt too long for the context loses
 * its oldest tokens, as in training.
 */
public final class PolicyEvaluator {

    /**
     * How answers are produced and scored.
     *
     * @param temperature  0: greedy; otherwise plain sampling at this temperature
     * @param seed         sampling seed (answer i uses the stream of sample index i, as every generation does)
     * @param maxNewTokens answer length limit, tokens
     * @param batchSize    sequences per generation micro-batch and per scoring forward
     */
    public record Settings(float temperature, long seed, int maxNewTokens, int batchSize) {
        public Settings {
            if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
            }
            if (maxNewTokens <= 0) {
                throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
        }

        SamplingParams samplingParams() {
            return temperature == 0f ? SamplingParams.greedy(maxNewTokens)
                    : SamplingParams.sampling(maxNewTokens, temperature, seed);
        }
    }

    /**
     * One answer of the policy.
     *
     * @param answer      its text, up to (without) end-of-text
     * @param responseIds the generated ids, a final end-of-text included when one was generated
     * @param kl          Σ_t k1_t: log π(y|x) − log π_SFT(y|x), nats
     * @param k3          Σ_t k3_t, nats
     * @param reward      r_θ(x, y); NaN without a reward model
     */
    public record Sample(String answer, int[] responseIds, double kl, double k3, float reward) {
    }

    /**
     * Answers in prompt order and their means.
     *
     * @param meanKl             mean k1 KL, nats per answer (may be slightly negative by sampling noise)
     * @param meanK3             mean k3 KL, nats per answer
     * @param meanReward         mean reward-model score; empty without a reward model
     * @param meanResponseTokens mean answer length, tokens
     */
    public record Result(List<Sample> samples, double meanKl, double meanK3, OptionalDouble meanReward,
            double meanResponseTokens) {
    }

    /** Progress of one {@link #evaluate} call, called on the evaluating thread. */
    public interface Progress {
        Progress NONE = new Progress() { };

        /** {@code done} of {@code total} answers generated. */
        default void answered(int done, int total) {
        }

        /** {@code done} of {@code total} answers scored by the policy, the reference and the reward model. */
        default void scored(int done, int total) {
        }
    }

    private final GptModel reference;
    private final GptModel rewardModel;
    private final TextTokenizer tokenizer;
    private final Settings settings;

    /**
     * @param reference   the frozen SFT policy π_SFT
     * @param rewardModel the reward model r_θ, or null to report no reward
     * @param tokenizer   the tokenizer every model shares
     */
    public PolicyEvaluator(GptModel reference, GptModel rewardModel, TextTokenizer tokenizer, Settings settings) {
        requireVocabulary("reference", reference, tokenizer);
        if (rewardModel != null) {
            requireVocabulary("reward model", rewardModel, tokenizer);
        }
        this.reference = reference;
        this.rewardModel = rewardModel;
        this.tokenizer = tokenizer;
        this.settings = settings;
    }

    /** Answers each prompt with {@code policy} and scores the answers; {@code prompts} must not be empty. */
    public Result evaluate(GptModel policy, List<String> prompts, Progress progress) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to evaluate on");
        }
        requireVocabulary("policy", policy, tokenizer);
        List<int[]> promptIds = promptIds(policy, prompts);
        int total = prompts.size();
        List<Generation> generations = new GenerationEngine(policy, tokenizer.endOfTextId(), settings.batchSize())
                .generate(promptIds, settings.samplingParams(), new TokenListener() {
                    private int done;

                    @Override
                    public void onToken(int sequence, int token, float logProb) {
                    }

                    @Override
                    public void onFinish(int sequence, Generation generation) {
                        progress.answered(++done, total);
                    }
                });
        List<Scorer.Example> examples = new ArrayList<>(total);
        for (Generation g : generations) {
            examples.add(new Scorer.Example(promptIds.get(g.promptIndex()), g.tokens()));
        }
        Scorer policyScorer = new Scorer(policy);
        Scorer referenceScorer = new Scorer(reference);
        float[] rewards = new float[total];
        Arrays.fill(rewards, Float.NaN);
        List<Sample> samples = new ArrayList<>(total);
        double kl = 0;
        double k3 = 0;
        double tokens = 0;
        double reward = 0;
        for (int from = 0; from < total; from += settings.batchSize()) {
            List<Scorer.Example> chunk = examples.subList(from, Math.min(total, from + settings.batchSize()));
            List<Scorer.Scores> policyScores = policyScorer.score(chunk);
            List<Scorer.Scores> referenceScores = referenceScorer.score(chunk);
            if (rewardModel != null) {
                float[] r = SequenceRewards.score(rewardModel, chunk, settings.batchSize());
                System.arraycopy(r, 0, rewards, from, r.length);
            }
            for (int i = 0; i < chunk.size(); i++) {
                float[] logProbs = policyScores.get(i).logProbs();
                float[] refLogProbs = referenceScores.get(i).logProbs();
                int[] response = chunk.get(i).response();
                Sample s = new Sample(PromptResponse.answerText(tokenizer, response), response,
                        KlPenalty.sum(KlPenalty.k1(logProbs, refLogProbs)),
                        KlPenalty.sum(KlPenalty.k3(logProbs, refLogProbs)), rewards[from + i]);
                samples.add(s);
                kl += s.kl();
                k3 += s.k3();
                tokens += response.length;
                reward += rewardModel == null ? 0 : s.reward();
            }
            progress.scored(samples.size(), total);
        }
        return new Result(List.copyOf(samples), kl / total, k3 / total,
                rewardModel == null ? OptionalDouble.empty() : OptionalDouble.of(reward / total), tokens / total);
    }

    /** Prompt ids that leave room for the answer in every model's context: the oldest tokens go first. */
    private List<int[]> promptIds(GptModel policy, List<String> prompts) {
        int context = Math.min(policy.config().contextLength(), reference.config().contextLength());
        if (rewardModel != null) {
            context = Math.min(context, rewardModel.config().contextLength());
        }
        int room = context - settings.maxNewTokens();
        if (room < 1) {
            throw new IllegalArgumentException(settings.maxNewTokens() + " new tokens leave no room for a prompt in "
                    + "the context of " + context);
        }
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            int[] full = PromptResponse.promptIds(tokenizer, p);
            ids.add(full.length <= room ? full : Arrays.copyOfRange(full, full.length - room, full.length));
        }
        return ids;
    }

    private static void requireVocabulary(String role, GptModel model, TextTokenizer tokenizer) {
        if (model.config().vocabSize() < tokenizer.vocabSize()) {
            throw new IllegalArgumentException("the " + role + "'s vocabulary (" + model.config().vocabSize()
                    + ") is smaller than the tokenizer's (" + tokenizer.vocabSize() + ")");
        }
    }
}
