package rlhf.reward.grpc;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.grpc.Context;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import rlhf.model.store.CheckpointCorruptException;
import rlhf.reward.config.RewardServiceConfig;
import rlhf.reward.mapping.RewardRequests;
import rlhf.reward.mapping.RewardResponses;
import rlhf.reward.metrics.RewardMetrics;
import rlhf.reward.service.RewardScoring;
import rlhf.reward.service.ScoredBatch;
import rlhf.reward.service.ScoringRequest;
import rlhf.reward.v1.CompareRequest;
import rlhf.reward.v1.CompareResponse;
import rlhf.reward.v1.RewardService;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreBatchResponse;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.ScoreResponse;
import rlhf.service.GrpcErrors;

/**
 * gRPC edge of the reward service: request → {@link ScoringRequest} (checked), scored by {@link RewardScoring},
 * → response tagged with the version that scored it; failures leave through {@link GrpcErrors}.
 */
@GrpcService
public class RewardGrpcService implements RewardService {

    private static final Logger LOG = Logger.getLogger(RewardGrpcService.class);

    private final RewardScoring scoring;
    private final RewardRequests.Bounds bounds;
    private final RewardMetrics metrics;

    public RewardGrpcService(RewardScoring scoring, RewardServiceConfig config, RewardMetrics metrics) {
        this.scoring = scoring;
        this.bounds = new RewardRequests.Bounds(config.maxItemsPerRequest(), config.maxTextChars(),
                config.maxChatMessages());
        this.metrics = metrics;
    }

    @Override
    public Uni<ScoreResponse> score(ScoreRequest request) {
        return call("Score", () -> RewardRequests.score(request, bounds), RewardResponses::score);
    }

    @Override
    public Uni<ScoreBatchResponse> scoreBatch(ScoreBatchRequest request) {
        return call("ScoreBatch", () -> RewardRequests.scoreBatch(request, bounds), RewardResponses::scoreBatch);
    }

    @Override
    public Uni<CompareResponse> compare(CompareRequest request) {
        return call("Compare", () -> RewardRequests.compare(request, bounds), RewardResponses::compare);
    }

    private <R> Uni<R> call(String rpc, Supplier<ScoringRequest> parse, Function<ScoredBatch, R> respond) {
        long start = System.nanoTime();
        Context context = Context.current(); // attached by rlhf.service.CallLifetimeInterceptor while the method is invoked
        GrpcCallLifetime lifetime = new GrpcCallLifetime(context);
        return Uni.createFrom().completionStage(() -> scoring.score(parse.get(), lifetime))
                .map(respond)
                .onFailure().transform(f -> GrpcErrors.toStatus(f, context, RewardGrpcService::storeFailure))
                .onTermination().invoke((ok, failure, cancelled) -> metrics.callDone(rpc,
                        failure == null ? "OK" : Status.fromThrowable(failure).getCode().name(),
                        Duration.ofNanos(System.nanoTime() - start)));
    }

    /** The failure only this service meets: a stored reward model whose files do not match their manifest. */
    private static Status storeFailure(Throwable failure) {
        if (failure instanceof CheckpointCorruptException e) {
            LOG.errorf("stored reward model unusable: %s", e.getMessage());
            return Status.FAILED_PRECONDITION.withDescription("reward_version: the stored version is unusable ("
                    + e.file().getFileName() + " does not match its manifest); ask operators");
        }
        return null;
    }
}
