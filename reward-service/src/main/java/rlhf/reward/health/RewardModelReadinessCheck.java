package rlhf.reward.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;
import rlhf.reward.service.RewardModels;
import rlhf.wire.ModelStoreLayout;

/**
 * Readiness "reward-model": DOWN with a {@code reason} until a reward model version is loaded (nothing could be
 * scored), then UP with the version served. Kafka's own check sits beside it.
 */
@Readiness
@ApplicationScoped
public class RewardModelReadinessCheck implements HealthCheck {

    static final String NAME = "reward-model";

    private final RewardModels models;

    public RewardModelReadinessCheck(RewardModels models) {
        this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
        RewardModels.ServingState state = models.state();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .withData("store", state.store().toString())
                .withData("loaded", state.loadedVersions());
        state.lastProblem().ifPresent(problem -> response.withData("last_problem", problem));
        if (state.currentVersion().isPresent()) {
            return response.up().withData("version", state.currentVersion().get()).build();
        }
        String reason = state.lastProblem().orElse("no reward model loaded yet: " + state.store().resolve(ModelStoreLayout.REWARD)
                + " holds no version (rlhf.reward.model-store) and none has been announced on rlhf.model-versions");
        return response.down().withData("reason", reason).build();
    }
}
