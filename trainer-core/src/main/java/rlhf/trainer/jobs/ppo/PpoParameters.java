package rlhf.trainer.jobs.ppo;

import java.nio.file.Path;
import java.time.Duration;

import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobParameters;
import rlhf.trainer.jobs.pretrain.PretrainParameters;
import rlhf.trainer.ppo.AdvantageEstimator;
import rlhf.trainer.ppo.GaeEstimator;
import rlhf.trainer.ppo.GroupBaselineEstimator;
import rlhf.trainer.ppo.KlCoefficient;
import rlhf.trainer.ppo.PpoOptimizers;
import rlhf.trainer.ppo.PpoSettings;

/**
 * Parameters of {@link PpoJob}, with defaults sized for 2 CPU cores and the task world's tiny model. InstructGPT's
 * values, for scale: β = 0.02, ptx γ = 27.8, 256k episodes, lr 9.65e-6 for 1.3B parameters.
 *
 * <ul>
 * <li>{@code data} (ppo-prompts.jsonl): prompts {@code {"id","user_id","split","category","kind","prompt"}}; split=train only</li>
 * <li>{@code iterations} 10: PPO iterations of this run (each publishes one policy version)</li>
 * <li>{@code prompts-per-iteration} 16, {@code samples-per-prompt} 4 (n), {@code max-new-tokens} 48</li>
 * <li>{@code advantage} {@code group} (RLOO: the other samples of the prompt are the baseline, no critic; needs n ≥ 2)
 * or {@code gae} (GAE over a critic started from SFT with a zero value head)</li>
 * <li>{@code epochs} 4 (E), {@code minibatch-size} 16 (rollouts per optimizer step)</li>
 * <li>{@code clip-epsilon} 0.2 (ε), {@code value-clip-epsilon} 0.2 (ε_v), {@code gamma} 1.0, {@code lambda} 0.95</li>
 * <li>{@code kl-coef} 0.3 (β, or the adaptive β's start), {@code target-kl} 0 (fixed β; above 0: adaptive towards
 * that KL in {@code kl-unit} {@code token} (nats per answer token) or {@code response}), {@code kl-horizon} 1000
 * samples</li>
 * <li>{@code entropy-coef} 0, {@code value-coef} 0.5, {@code ptx-coef} 0 (PPO-ptx off), {@code ptx-data}
 * (pretrain-corpus.jsonl), {@code ptx-batch-size} 4, {@code ptx-window} 64 tokens</li>
 * <li>{@code lr} 1e-4 (the actor's; constant: {@code min-lr} defaults to it), {@code warmup-steps} 0,
 * {@code max-grad-norm} 1.0; {@code critic-lr} 2e-4, {@code critic-max-grad-norm} 1.0,
 * {@code critic-warmup-iterations} 1 (gae only); {@code adam-epsilon} 1e-5</li>
 * <li>{@code max-staleness} 1: rollouts of a policy older than v − 1 are dropped and counted</li>
 * <li>{@code rollout-timeout-seconds} 300: how long one iteration waits for its rollouts</li>
 * <li>{@code normalize-rewards} true, {@code sft-version} / {@code reward-version} 0 (newest), {@code seed} 1</li>
 * </ul>
 */
public record PpoParameters(Path prompts, int iterations, int promptsPerIteration, int samplesPerPrompt,
        int maxNewTokens, AdvantageEstimator estimator, PpoSettings settings, float klCoef, float targetKl,
        KlCoefficient.Unit klUnit, float klHorizon, Path ptxData, int ptxBatchSize, int ptxWindow,
        PpoOptimizers.Settings optimizers, int criticWarmupIterations, int maxStaleness, Duration rolloutTimeout,
        int sftVersion, int rewardVersion, long seed) {

    /** The prompts file name looked up in a data folder. */
    public static final String PROMPTS_FILE = "ppo-prompts.jsonl";

    public PpoParameters {
        if (targetKl > 0 && !(klCoef > 0)) {
            throw new InvalidParameterException("kl-coef", "must be > 0 when target-kl > 0 (adaptive β)");
        }
        if (estimator instanceof GroupBaselineEstimator && samplesPerPrompt < 2) {
            throw new InvalidParameterException("samples-per-prompt", "must be >= 2 for advantage=group (the other "
                    + "samples of a prompt are each sample's baseline)");
        }
    }

    public static PpoParameters read(JobParameters p, Path dataDirectory) {
        Path prompts = p.dataFile("data", dataDirectory, PROMPTS_FILE);
        int iterations = p.intIn("iterations", 10, 1, 100_000);
        int promptsPerIteration = p.intIn("prompts-per-iteration", 16, 1, 4096);
        int samplesPerPrompt = p.intIn("samples-per-prompt", 4, 1, 16);
        int maxNewTokens = p.intIn("max-new-tokens", 48, 1, 4096);
        PpoSettings settings = settings(p);
        AdvantageEstimator estimator = switch (p.oneOf("advantage", "group", "group", "gae")) {
            case "gae" -> new GaeEstimator(settings.gamma(), settings.lambda());
            default -> new GroupBaselineEstimator();
        };
        float klCoef = p.floatIn("kl-coef", 0.3f, 0f, 10f);
        float targetKl = p.floatIn("target-kl", 0f, 0f, 1000f);
        KlCoefficient.Unit klUnit = p.oneOf("kl-unit", "token", "token", "response").equals("token")
                ? KlCoefficient.Unit.PER_TOKEN : KlCoefficient.Unit.PER_RESPONSE;
        float klHorizon = p.floatIn("kl-horizon", 1000f, 1f, 1e9f);
        Path ptxData = p.dataFile("ptx-data", dataDirectory, PretrainParameters.CORPUS_FILE);
        int ptxBatchSize = p.intIn("ptx-batch-size", 4, 1, 256);
        int ptxWindow = p.intIn("ptx-window", 64, 2, 32_768);
        float lr = p.floatIn("lr", 1e-4f, 1e-7f, 1f);
        float minLr = p.floatIn("min-lr", lr, 0f, 1f);
        if (minLr > lr) {
            throw new InvalidParameterException("min-lr", minLr + " exceeds lr " + lr);
        }
        PpoOptimizers.Settings optimizers = new PpoOptimizers.Settings(lr, minLr,
                p.floatIn("max-grad-norm", 1f, 0f, 1000f), p.floatIn("critic-lr", 2e-4f, 1e-7f, 1f),
                p.floatIn("critic-max-grad-norm", 1f, 0f, 1000f), p.floatIn("adam-epsilon", 1e-5f, 1e-12f, 1f),
                p.intIn("warmup-steps", 0, 0, 100_000));
        return new PpoParameters(prompts, iterations, promptsPerIteration, samplesPerPrompt, maxNewTokens, estimator,
                settings, klCoef, targetKl, klUnit, klHorizon, ptxData, ptxBatchSize, ptxWindow, optimizers,
                p.intIn("critic-warmup-iterations", 1, 0, 1000), p.intIn("max-staleness", 1, 0, 1000),
                Duration.ofSeconds(p.intIn("rollout-timeout-seconds", 300, 1, 86_400)),
                p.intIn("sft-version", 0, 0, Integer.MAX_VALUE), p.intIn("reward-version", 0, 0, Integer.MAX_VALUE),
                settings.seed());
    }

    private static PpoSettings settings(JobParameters p) {
        PpoSettings d = PpoSettings.DEFAULTS;
        return d.withEpochs(p.intIn("epochs", d.epochs(), 1, 100))
                .withMinibatchSize(p.intIn("minibatch-size", d.minibatchSize(), 1, 1024))
                .withClipEpsilon(p.floatIn("clip-epsilon", d.clipEpsilon(), 0.01f, 1f))
                .withValueClipEpsilon(p.floatIn("value-clip-epsilon", d.valueClipEpsilon(), 0.01f, 100f))
                .withGamma(p.floatIn("gamma", d.gamma(), 0f, 1f))
                .withLambda(p.floatIn("lambda", d.lambda(), 0f, 1f))
                .withEntropyCoef(p.floatIn("entropy-coef", d.entropyCoef(), 0f, 1f))
                .withValueCoef(p.floatIn("value-coef", d.valueCoef(), 0f, 100f))
                .withPtxCoef(p.floatIn("ptx-coef", d.ptxCoef(), 0f, 1000f))
                .withNormalizeRewards(p.bool("normalize-rewards", d.normalizeRewards()))
                .withSeed(p.longIn("seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** Rollouts one iteration asks for. */
    public int rolloutsPerIteration() {
        return promptsPerIteration * samplesPerPrompt;
    }
}
