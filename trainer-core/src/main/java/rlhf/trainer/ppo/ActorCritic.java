package rlhf.trainer.ppo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import rlhf.model.GptModel;

/**
 * The two networks PPO trains together: the actor (the policy π_θ) and the critic (the value model V(s_t), a separate
 * network started from the reward model, see {@link ValueModels}). It names their parameters for the one optimizer
 * ({@code policy.<name>}, {@code value.<name>}) and switches both to training mode for as long as a {@link Training}
 * is open. It does not own the models: whoever loaded them closes them.
 */
public final class ActorCritic {

    private final GptModel policy;
    private final GptModel value;

    public ActorCritic(GptModel policy, GptModel value) {
        this.policy = policy;
        this.value = value;
    }

    public GptModel policy() {
        return policy;
    }

    public GptModel value() {
        return value;
    }

    /** Every trainable array, the actor's as {@code policy.<name>} then the critic's as {@code value.<name>}. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        policy.parameters().forEach((name, array) -> parameters.put("policy." + name, array));
        value.parameters().forEach((name, array) -> parameters.put("value." + name, array));
        return Collections.unmodifiableMap(parameters);
    }

    /** Puts both networks in training mode until the returned handle is closed. */
    public Training training() {
        policy.setTrainable(true);
        value.setTrainable(true);
        return new Training(this);
    }

    /** Training mode of both networks; {@link #close()} ends it (generation and scoring need it off). */
    public static final class Training implements AutoCloseable {
        private final ActorCritic models;

        private Training(ActorCritic models) {
            this.models = models;
        }

        @Override
        public void close() {
            models.policy.setTrainable(false);
            models.value.setTrainable(false);
        }
    }
}
