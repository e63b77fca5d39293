package rlhf.gateway.service;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import com.google.protobuf.Timestamp;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.Split;
import rlhf.gateway.config.GatewayConfig;
import rlhf.gateway.messaging.ComparisonLog;
import rlhf.gateway.metrics.GatewayMetrics;
import rlhf.service.GrpcErrors;
import rlhf.service.InvalidInputException;
import rlhf.wire.UserSplits;

/**
 * One comparison's way in, the same for REST and gRPC: check every field → scrub personal data → split by user id →
 * append once (acks=all) unless the same id is already stored → the answer. Nothing of a rejected comparison is
 * written, and no raw personal datum reaches Kafka.
 */
@ApplicationScoped
public class Ingest {

    /** What the caller is told: the stored id, its split, and whether it was already stored. */
    public record Result(String comparisonId, Split split, boolean duplicate, boolean overPromptCap) {
    }

    private final ComparisonRules rules;
    private final PiiScrubber scrubber;
    private final GatewayConfig config;
    private final ComparisonLog log;
    private final GatewayMetrics metrics;
    private final ApiKeys keys;
    private final RateLimits perKey = new RateLimits();
    private final RateLimits perUser = new RateLimits();
    private final Clock clock = Clock.systemUTC();

    public Ingest(GatewayConfig config, ComparisonLog log, GatewayMetrics metrics, ApiKeys keys) {
        this.keys = keys;
        this.rules = new ComparisonRules(config.maxTextChars(), config.maxAnswers());
        this.scrubber = new PiiScrubber(config.phoneRegion());
        this.config = config;
        this.log = log;
        this.metrics = metrics;
    }

    /**
     * @throws InvalidInputException naming the first bad field, {@link ForbiddenException} for a labeler submitting as
     *                               another, {@link RateLimitedException} over the key's or the user's rate (nothing
     *                               written for any of them); the future fails with a {@link ConflictException} for an
     *                               id stored with other content, or with the broker's error when the append was not
     *                               acknowledged
     */
    public CompletableFuture<Result> submit(Comparison submitted, Caller caller) {
        long start = System.nanoTime();
        perKey.take(caller.keyName(), keys.perSecond(caller.keyName()), "authorization");
        try {
            rules.check(submitted);
        } catch (InvalidInputException e) {
            metrics.rejected(e.field());
            throw e;
        }
        caller.checkMaySubmitAs(submitted.getLabelerId());
        if (log.erased(submitted.getUserId())) {
            metrics.rejected("comparison.user_id");
            throw new ForbiddenException("comparison.user_id", "user '" + submitted.getUserId() + "' was erased "
                    + "(right to erasure): new comparisons of this user are refused");
        }
        perUser.take(submitted.getUserId(), config.perUserPerSecond(), "comparison.user_id");
        PiiScrubber.ScrubbedComparison scrubbed = scrubber.scrub(submitted);
        Split split = UserSplits.splitOf(submitted.getUserId(), config.validationFraction(), config.testFraction());
        String prompt = ContentDigest.ofPrompt(scrubbed.comparison());
        boolean overCap = log.users().overCap(submitted.getUserId(), prompt, config.maxPromptsPerUser());
        Comparison stored = scrubbed.comparison().toBuilder().setSplit(split).setOverPromptCap(overCap)
                .setCreatedAt(submitted.hasCreatedAt() ? submitted.getCreatedAt() : now()).build();
        byte[] record = stored.toByteArray();
        return log.seen().submit(stored.getComparisonId(), ContentDigest.of(stored),
                () -> log.append(stored.getComparisonId(), record),
                () -> log.users().stored(stored.getUserId(), prompt, overCap))
                .thenApply(outcome -> {
                    boolean duplicate = outcome == SeenComparisons.Outcome.DUPLICATE;
                    metrics.stored(stored, scrubbed.found(), duplicate, System.nanoTime() - start);
                    return new Result(stored.getComparisonId(), split, duplicate, overCap && !duplicate);
                }).whenComplete((result, failure) -> {
                    if (failure != null) {
                        if (GrpcErrors.unwrap(failure) instanceof ConflictException) {
                            metrics.conflict();
                        } else {
                            metrics.failed();
                        }
                    }
                });
    }

    private Timestamp now() {
        Instant t = clock.instant();
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
