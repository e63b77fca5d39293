package rlhf.policy.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;
import rlhf.policy.service.PolicyModels;

/** Readiness "policy-model": DOWN, with the reason, until a policy or SFT version is served. */
@Readiness
@ApplicationScoped
public class PolicyModelReadinessCheck implements HealthCheck {

    static final String NAME = "policy-model";

    private final PolicyModels models;

    public PolicyModelReadinessCheck(PolicyModels models) {
        this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .withData("store", models.store().root().toString()).withData("loaded", models.loadedCount());
        models.lastProblem().ifPresent(p -> response.withData("last_problem", p));
        return models.served().map(id -> response.up().withData("serving", id.toString()).build())
                .orElseGet(() -> response.down().withData("reason", models.notReadyReason().orElse("")).build());
    }
}
