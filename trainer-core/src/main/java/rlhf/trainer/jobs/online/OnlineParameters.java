package rlhf.trainer.jobs.online;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import rlhf.trainer.jobs.JobParameters;
import rlhf.trainer.jobs.ppo.PpoParameters;
import rlhf.trainer.jobs.reward.RewardModelParameters;
import rlhf.trainer.online.PolicyGate;

/**
 * Parameters of {@link OnlineIterationJob}.
 *
 * <ul>
 * <li>{@code snapshots} ({@code <data>/snapshots}): where each iteration's snapshot, manifest and summary go
 * ({@code week-001/}, {@code week-002/}, …)</li>
 * <li>{@code max-prompts-per-user} 200: InstructGPT's cap, applied again in the snapshot</li>
 * <li>the reward model: {@code data} (comparisons.jsonl, the labelers' comparisons the first reward model learned
 * from: the "old" data), {@code rm-init} {@code sft} (hh-rlhf: retrain from the SFT model) or {@code champion}
 * (continue from the newest reward model), {@code rm-replay} 0 (train on all of {@code data}; k &gt; 0: on k times as
 * many of its train comparisons as the week brought, drawn afresh each week, beside every human comparison — its
 * validation and test users stay whole, so the gate judges on all of them), {@code rm-epochs} 1, {@code rm-lr} 1e-4, {@code rm-seed} 1, {@code robustness-check} false
 * (hh-rlhf's train-PM / test-PM best-of-n check), and its gate: {@code gate-regression}
 * (regression-comparisons.jsonl, frozen), {@code gate-max-accuracy-drop} 0.02, {@code gate-max-ece} 0.1,
 * {@code gate-min-regression-accuracy} 0.8</li>
 * <li>PPO from the serving policy: {@code ppo-data} (ppo-prompts.jsonl), {@code ppo-iterations} 5 (0: no policy
 * step), {@code ppo-seed} 1, {@code max-new-tokens} 48, {@code rollout-timeout-seconds} 300</li>
 * <li>the policy gate, on held-out (validation and test users') prompts of {@code ppo-data} at temperature 1:
 * {@code policy-gate-prompts} 200, {@code policy-gate-max-kl} 3.0 nats per answer to the previous policy,
 * {@code policy-gate-min-win-rate} 0.5, {@code policy-gate-min-decided} 20, {@code policy-gate-min-decided-lower} 0.5
 * (the 95% Wilson lower bound of the decided share W/(W+L); 0 turns it off), {@code policy-gate-tie-margin} 0.05 (reward
 * differences within it are ties), {@code policy-gate-seed} 11</li>
 * <li>any other parameter of the reward-model or the PPO job, prefixed {@code rm.} or {@code ppo.} (e.g.
 * {@code rm.likelihood-weight}, {@code ppo.kl-coef}); the named ones above win</li>
 * </ul>
 */
public record OnlineParameters(Path snapshots, int maxPromptsPerUser, Map<String, String> rewardModel, int replay,
        Map<String, String> ppo, int ppoIterations, Path ppoPrompts, int maxNewTokens, int gatePrompts,
        PolicyGate.Settings policyGate, double tieMargin, long gateSeed) {

    public OnlineParameters {
        rewardModel = Map.copyOf(rewardModel);
        ppo = Map.copyOf(ppo);
    }

    public static OnlineParameters read(JobParameters p, Path dataDirectory) {
        Path given = p.optionalFile("snapshots");
        Path snapshots = given != null ? given : dataDirectory.resolve("snapshots");
        int cap = p.intIn("max-prompts-per-user", 200, 1, 1_000_000);
        Map<String, String> rm = new LinkedHashMap<>();
        rm.put("data", p.dataFile("data", dataDirectory, RewardModelParameters.COMPARISONS_FILE).toString());
        rm.put("epochs", Integer.toString(p.intIn("rm-epochs", 1, 1, 100)));
        rm.put("lr", Float.toString(p.floatIn("rm-lr", 1e-4f, 1e-7f, 1f)));
        rm.put("seed", Long.toString(p.longIn("rm-seed", 1, Long.MIN_VALUE, Long.MAX_VALUE)));
        rm.put("robustness-check", Boolean.toString(p.bool("robustness-check", false)));
        rm.put("init", p.oneOf("rm-init", "sft", "sft", "champion"));
        int replay = p.intIn("rm-replay", 0, 0, 1000);
        rm.put("gate", "true");
        rm.put("gate-regression", p.dataFile("gate-regression", dataDirectory, RewardModelParameters.REGRESSION_FILE)
                .toString());
        rm.put("gate-max-accuracy-drop", Float.toString(p.floatIn("gate-max-accuracy-drop", 0.02f, 0f, 1f)));
        rm.put("gate-max-ece", Float.toString(p.floatIn("gate-max-ece", 0.1f, 0.001f, 1f)));
        rm.put("gate-min-regression-accuracy", Float.toString(p.floatIn("gate-min-regression-accuracy", 0.8f, 0f, 1f)));
        Path ppoPrompts = p.dataFile("ppo-data", dataDirectory, PpoParameters.PROMPTS_FILE);
        int iterations = p.intIn("ppo-iterations", 5, 0, 10_000);
        int maxNewTokens = p.intIn("max-new-tokens", 48, 1, 4096);
        Map<String, String> ppo = new LinkedHashMap<>();
        ppo.put("data", ppoPrompts.toString());
        ppo.put("iterations", Integer.toString(Math.max(1, iterations)));
        ppo.put("seed", Long.toString(p.longIn("ppo-seed", 1, Long.MIN_VALUE, Long.MAX_VALUE)));
        ppo.put("max-new-tokens", Integer.toString(maxNewTokens));
        ppo.put("rollout-timeout-seconds", Integer.toString(p.intIn("rollout-timeout-seconds", 300, 1, 86_400)));
        handOn(p, "rm.", rm);
        handOn(p, "ppo.", ppo);
        int gatePrompts = p.intIn("policy-gate-prompts", 200, 1, 100_000);
        PolicyGate.Settings gate = new PolicyGate.Settings(p.floatIn("policy-gate-max-kl", 3f, 0.001f, 1000f),
                p.floatIn("policy-gate-min-win-rate", 0.5f, 0f, 1f), p.intIn("policy-gate-min-decided", 20, 0, 100_000),
                p.floatIn("policy-gate-min-decided-lower", 0.5f, 0f, 1f));
        double tieMargin = p.floatIn("policy-gate-tie-margin", 0.05f, 0f, 100f);
        long gateSeed = p.longIn("policy-gate-seed", 11, Long.MIN_VALUE, Long.MAX_VALUE);
        return new OnlineParameters(snapshots, cap, rm, replay, ppo, iterations, ppoPrompts, maxNewTokens, gatePrompts, gate,
                tieMargin, gateSeed);
    }

    /** Adds the {@code prefix}ed parameters to a handed-on job's; one the named parameters already set is an error. */
    private static void handOn(JobParameters p, String prefix, Map<String, String> job) {
        Map<String, String> extra = p.prefixed(prefix);
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (job.containsKey(e.getKey())) {
                throw new rlhf.trainer.jobs.InvalidParameterException(prefix + e.getKey(), "set by a parameter of the "
                        + "online iteration itself (see --help), not with the " + prefix + " prefix");
            }
            job.put(e.getKey(), e.getValue());
        }
    }
}
