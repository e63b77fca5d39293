package rlhf.trainer.ppo;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import rlhf.model.GptModel;

/**
 * The networks PPO trains: the actor (the policy π_θ) and, for estimators that need one, the {@link Critic}, a separate
 * network with its own optimizer. It switches them to training mode for as long as a {@link Training} is open. It does
 * not own the models: whoever loaded them closes them.
 */
public final class ActorCritic {

    private final GptModel policy;
    private final Critic critic;

    /** @param critic null when the advantage estimator needs none */
    public ActorCritic(GptModel policy, Critic critic) {
        this.policy = policy;
        this.critic = critic;
    }

    public GptModel policy() {
        return policy;
    }

    /** The critic, or null. */
    public Critic critic() {
        return critic;
    }

    /** The actor's trainable arrays. */
    public Map<String, NDArray> actorParameters() {
        return policy.parameters();
    }

    /** The critic's trainable arrays (empty without a critic). */
    public Map<String, NDArray> criticParameters() {
        return critic == null ? Map.of() : critic.model().parameters();
    }

    /** Puts the networks in training mode until the returned handle is closed. */
    public Training training() {
        setTrainable(true);
        return new Training(this);
    }

    private void setTrainable(boolean trainable) {
        policy.setTrainable(trainable);
        if (critic != null) {
            critic.model().setTrainable(trainable);
        }
    }

    /** Training mode of the networks; {@link #close()} ends it (generation and scoring need it off). */
    public static final class Training implements AutoCloseable {
        private final ActorCritic models;

        private Training(ActorCritic models) {
            this.models = models;
        }

        @Override
        public void close() {
            models.setTrainable(false);
        }
    }
}
