package rlhf.trainer.ppo;

import java.util.ArrayList;
import java.util.List;

import rlhf.trainer.algo.Gae;

/**
 * Generalised advantage estimation over the critic's values ({@link Gae}), then whitened over every token of the batch
 * (zero mean, unit variance: PPO implementation practice). The returns are the critic's targets.
 *
 * @param gamma  GAE's discount γ
 * @param lambda GAE's λ
 */
public record GaeEstimator(float gamma, float lambda) implements AdvantageEstimator {

    @Override
    public boolean needsCritic() {
        return true;
    }

    @Override
    public Estimate estimate(List<RolloutSample> rollouts, List<float[]> rewards, List<float[]> values) {
        if (values == null) {
            throw new IllegalArgumentException("GAE needs the critic's values");
        }
        List<float[]> advantages = new ArrayList<>();
        List<float[]> returns = new ArrayList<>();
        for (int i = 0; i < rewards.size(); i++) {
            Gae.Result gae = Gae.compute(rewards.get(i), values.get(i), gamma, lambda);
            advantages.add(gae.advantages());
            returns.add(gae.returns());
        }
        AdvantageEstimator.whiten(advantages, true);
        return new Estimate(advantages, returns, 0);
    }
}
