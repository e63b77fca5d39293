package rlhf.trainer.jobs.ppo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.ppo.PpoLearner;

/**
 * What one PPO iteration measured, under the names the manifest, the job's metrics and {@code TrainerMetrics} share
 * ({@code ppo.*}); the step-time split is in wall-clock seconds ({@code ppo.time.generation|scoring|reference|update};
 * see {@link WorkerTimes} for how the rollout wait is split between generation and scoring).
 */
record IterationMetrics(int index, long fromVersion, Map<String, Double> values) {

    /** The β the next iteration uses; a restarted job resumes from it. */
    static final String NEXT_KL_COEF = "ppo.kl.coef.next";

    static IterationMetrics of(int index, long fromVersion, RolloutExchange.Gathered gathered,
            PpoLearner.IterationReport r, WorkerTimes times, int skippedSteps) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ppo.iteration", (double) fromVersion);
        m.put("ppo.reward.mean", r.stats().rewardMean());
        m.put("ppo.kl", r.stats().klMean());
        m.put("ppo.kl.k3", r.stats().k3Mean());
        m.put("ppo.kl.coef", r.klCoef());
        m.put(NEXT_KL_COEF, r.nextKlCoef());
        if (!r.criticOnly()) {
            m.put("ppo.clip.fraction", r.update().clipFraction());
            m.put("ppo.approx.kl", r.update().approxKl());
            m.put("ppo.policy.loss", r.update().policyLoss());
        }
        if (!Double.isNaN(r.update().valueLoss())) {
            m.put("ppo.value.loss", r.update().valueLoss());
        }
        m.put("ppo.entropy", r.stats().entropy());
        m.put("ppo.kl.per_token", r.stats().klPerToken());
        m.put("ppo.critic.warmup", r.criticOnly() ? 1.0 : 0.0);
        m.put("ppo.rollouts.without_baseline", (double) r.stats().alone());
        if (!Double.isNaN(r.update().ptxLoss())) {
            m.put("ppo.ptx.loss", r.update().ptxLoss());
        }
        m.put("ppo.logprob.drift", r.stats().driftMean());
        m.put("ppo.logprob.drift.max", r.stats().driftMax());
        m.put("ppo.response.tokens", r.stats().responseTokens());
        m.put("ppo.rollouts", (double) r.rollouts());
        m.put("ppo.stale.rollouts", (double) gathered.stale());
        m.put("ppo.duplicate.rollouts", (double) gathered.duplicates());
        m.put("ppo.skipped.steps", (double) skippedSteps);
        m.put("ppo.time.generation", times.generationSeconds());
        m.put("ppo.time.scoring", times.scoringSeconds());
        m.put("ppo.time.generation.request_sum", times.generationSumSeconds());
        m.put("ppo.time.scoring.request_sum", times.scoringSumSeconds());
        m.put("ppo.time.reference", r.referenceSeconds());
        m.put("ppo.time.update", r.updateSeconds());
        return new IterationMetrics(index, fromVersion, Map.copyOf(m));
    }

    /** Hands every value to the monitor (the service turns them into meters). */
    void report(JobMonitor monitor) {
        values.forEach(monitor::metric);
    }

    /** The progress line of the iteration; the critic's value loss only when a critic is trained. */
    String line(int iterations) {
        String value = values.containsKey("ppo.value.loss")
                ? String.format(Locale.ROOT, " | value-loss %.4f", v("ppo.value.loss")) : "";
        return String.format(Locale.ROOT, "ppo iteration %d/%d: policy v%d -> v%d | reward %.4f | KL %.4f (k3 %.4f) "
                + "beta %.4f -> %.4f | clip %.3f | approx-KL %.5f%s | entropy %.3f | drift %.5f "
                + "(max %.4f) | rollouts %.0f (+%.0f stale) | time gen %.1fs score %.1fs ref %.1fs update %.1fs",
                index, iterations, fromVersion, fromVersion + 1, v("ppo.reward.mean"), v("ppo.kl"), v("ppo.kl.k3"),
                v("ppo.kl.coef"), v(NEXT_KL_COEF), v("ppo.clip.fraction"), v("ppo.approx.kl"), value,
                v("ppo.entropy"), v("ppo.logprob.drift"), v("ppo.logprob.drift.max"), v("ppo.rollouts"),
                v("ppo.stale.rollouts"), v("ppo.time.generation"), v("ppo.time.scoring"), v("ppo.time.reference"),
                v("ppo.time.update"));
    }

    private double v(String key) {
        return values.getOrDefault(key, Double.NaN);
    }
}
