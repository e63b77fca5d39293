package rlhf.gateway.service;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import com.google.protobuf.Timestamp;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.feedback.v1.UserErasure;
import rlhf.gateway.messaging.ComparisonLog;
import rlhf.gateway.metrics.GatewayMetrics;

/** A user's right to erasure, the same for REST and gRPC: admin keys only, recorded on rlhf.user-erasures. */
@ApplicationScoped
public class Erasures {

    /** What an erasure will drop. */
    public record Erased(String userId, long comparisonsKnown, String effect) {
    }

    private final ComparisonLog log;
    private final GatewayMetrics metrics;

    public Erasures(ComparisonLog log, GatewayMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    /**
     * @throws ForbiddenException    for a key that is not an admin's
     * @throws rlhf.service.InvalidInputException naming {@code user_id} for a malformed id (nothing recorded)
     */
    public CompletableFuture<Erased> erase(Caller caller, String userId) {
        caller.checkAdmin("erasing a user");
        ComparisonRules.checkId(userId, "user_id");
        long known = log.users().comparisons(userId);
        Instant now = Instant.now();
        UserErasure erasure = UserErasure.newBuilder().setUserId(userId).setRequestedBy(caller.keyName())
                .setRequestedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setComparisonsKnown(known).build();
        return log.append(erasure).thenApply(metadata -> {
            metrics.erased();
            return new Erased(userId, known, "every later training snapshot leaves out all comparisons of this user, "
                    + "and new ones are refused");
        });
    }
}
