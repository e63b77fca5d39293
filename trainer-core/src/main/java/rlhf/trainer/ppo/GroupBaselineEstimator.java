package rlhf.trainer.ppo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import rlhf.trainer.algo.KlPenalty;
import rlhf.trainer.algo.LeaveOneOutBaseline;

/**
 * RLOO inside PPO: each rollout's return is its whole shaped reward (the reward model's score minus β times the
 * response's summed k1), its advantage that return minus the mean return of the other samples of the same prompt and
 * policy version ({@link LeaveOneOutBaseline}), given to every token of the response and divided by the batch's standard
 * deviation (not centred: the leave-one-out advantages of a group already sum to zero). Needs n ≥ 2 samples per prompt
 * (the job asks for 4 by default); no critic.
 */
public record GroupBaselineEstimator() implements AdvantageEstimator {

    @Override
    public boolean needsCritic() {
        return false;
    }

    @Override
    public Estimate estimate(List<RolloutSample> rollouts, List<float[]> rewards, List<float[]> values) {
        double[] returns = new double[rollouts.size()];
        List<String> groups = new ArrayList<>(rollouts.size());
        for (int i = 0; i < returns.length; i++) {
            returns[i] = KlPenalty.sum(rewards.get(i));
            RolloutSample r = rollouts.get(i);
            groups.add(r.promptId() + "@v" + r.policyVersion());
        }
        double[] perRollout = LeaveOneOutBaseline.advantages(returns, groups);
        List<float[]> advantages = new ArrayList<>(returns.length);
        for (int i = 0; i < returns.length; i++) {
            float[] a = new float[rewards.get(i).length];
            Arrays.fill(a, (float) perRollout[i]);
            advantages.add(a);
        }
        AdvantageEstimator.whiten(advantages, false);
        return new Estimate(advantages, null, LeaveOneOutBaseline.alone(groups));
    }
}
