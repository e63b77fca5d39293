package rlhf.trainer.ppo;

import java.util.ArrayList;
import java.util.List;

import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;

/**
 * One AdamW for the actor and one for the critic, each with its own learning rate (warm-up then constant, or cosine
 * down to a floor) and global-norm clip, as {@link TrainingLoop.Group}s of one loop: the value loss's gradient scale
 * never sets the policy's step, and the critic can learn faster than the policy. Adam's ε is settable: 1e-5 as in
 * OpenAI's baselines and CleanRL (PyTorch's 1e-8 divides tiny second moments into huge steps). No weight decay: PPO
 * must stay near SFT, not near zero.
 */
public final class PpoOptimizers implements AutoCloseable {

    /**
     * @param actorLr          the policy's peak learning rate
     * @param actorMinLr       its floor at the end of the cosine (= actorLr: constant)
     * @param actorMaxGradNorm its global-norm clip
     * @param criticLr         the critic's learning rate (constant)
     * @param criticMaxGradNorm its global-norm clip
     * @param adamEpsilon      Adam's ε for both
     * @param warmupSteps      linear warm-up of the actor's rate
     */
    public record Settings(float actorLr, float actorMinLr, float actorMaxGradNorm, float criticLr,
            float criticMaxGradNorm, float adamEpsilon, int warmupSteps) {
        public Settings {
            if (!(actorLr > 0) || actorMinLr < 0 || actorMinLr > actorLr || !(criticLr > 0) || !(adamEpsilon > 0)
                    || warmupSteps < 0) {
                throw new IllegalArgumentException("need actorLr, criticLr, adamEpsilon > 0, 0 <= actorMinLr <= actorLr"
                        + " and warmupSteps >= 0");
            }
        }
    }

    private final AdamW actor;
    private final AdamW critic;
    private final List<TrainingLoop.Group> groups = new ArrayList<>();

    /** @param totalSteps the optimizer steps of the whole run (the actor's cosine spans them) */
    public PpoOptimizers(ActorCritic models, Settings s, int totalSteps) {
        AdamW.Settings adam = new AdamW.Settings(0.9f, 0.999f, s.adamEpsilon(), 0f);
        int steps = Math.max(2, totalSteps);
        this.actor = new AdamW(models.actorParameters(), adam);
        groups.add(new TrainingLoop.Group("actor", actor,
                new WarmupCosineSchedule(s.actorLr(), s.actorMinLr(), Math.min(s.warmupSteps(), steps - 1), steps),
                s.actorMaxGradNorm()));
        if (models.critic() != null) {
            this.critic = new AdamW(models.criticParameters(), adam);
            groups.add(new TrainingLoop.Group("critic", critic,
                    new WarmupCosineSchedule(s.criticLr(), s.criticLr(), 0, steps), s.criticMaxGradNorm()));
        } else {
            this.critic = null;
        }
    }

    /** The actor's group first, then the critic's when there is one. */
    public List<TrainingLoop.Group> groups() {
        return List.copyOf(groups);
    }

    @Override
    public void close() {
        actor.close();
        if (critic != null) {
            critic.close();
        }
    }
}
