package rlhf.gateway.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;
import rlhf.gateway.messaging.ComparisonLog;

/**
 * Readiness "comparison-log": DOWN until this replica has read every comparison id that was on {@code rlhf.comparisons}
 * when it started (before that, a resubmission of an old id would not be recognised as a duplicate), then UP with the
 * number of ids it knows.
 */
@Readiness
@ApplicationScoped
public class ComparisonLogReadinessCheck implements HealthCheck {

    static final String NAME = "comparison-log";

    private final ComparisonLog log;

    public ComparisonLogReadinessCheck(ComparisonLog log) {
        this.log = log;
    }

    @Override
    public HealthCheckResponse call() {
        if (!log.caughtUp()) {
            return HealthCheckResponse.named(NAME).down()
                    .withData("reason", "still reading the comparison ids already on rlhf.comparisons").build();
        }
        return HealthCheckResponse.named(NAME).up().withData("known_ids", log.seen().size()).build();
    }
}
