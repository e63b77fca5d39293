package rlhf.policy.grpc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.policy.mapping.ModelRefs;
import rlhf.policy.mapping.PolicyRequests;
import rlhf.policy.mapping.PolicyResponses;
import rlhf.policy.metrics.PolicyMetrics;
import rlhf.policy.service.BestOfNSampler;
import rlhf.policy.service.Completion;
import rlhf.policy.service.Futures;
import rlhf.policy.service.GenerationRequest;
import rlhf.policy.service.ModelId;
import rlhf.policy.service.PolicyGenerator;
import rlhf.policy.service.PolicyKind;
import rlhf.policy.service.PolicyModels;
import rlhf.policy.service.TokenSink;
import rlhf.policy.v1.BestOfNRequest;
import rlhf.policy.v1.BestOfNResponse;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.policy.v1.ListModelsRequest;
import rlhf.policy.v1.ListModelsResponse;
import rlhf.policy.v1.PolicyService;
import rlhf.service.GrpcErrors;
import rlhf.service.InvalidInputException;

/**
 * gRPC edge of the policy service: maps the contract to the service and back, and ties each call's life to its
 * work. Methods run on worker threads (a call may load a model version from disk); generation itself runs on the
 * version's batch worker. A caller that gives up (deadline passed, cancelled) cancels its work.
 */
@GrpcService
public class PolicyGrpcService implements PolicyService {

    private final PolicyGenerator generator;
    private final BestOfNSampler bestOfN;
    private final PolicyModels models;
    private final PolicyMetrics metrics;

    public PolicyGrpcService(PolicyGenerator generator, BestOfNSampler bestOfN, PolicyModels models, PolicyMetrics metrics) {
        this.generator = generator;
        this.bestOfN = bestOfN;
        this.models = models;
        this.metrics = metrics;
    }

    @Override
    @Blocking
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return call("Generate", () -> {
            boolean samplingLogProbs = PolicyRequests.wantsSamplingLogProbs(request.getLogProbDistribution());
            return Futures.map(generator.generate(PolicyRequests.generate(request), 1, TokenSink.NONE),
                    g -> PolicyResponses.generate(g, samplingLogProbs));
        });
    }

    @Override
    @Blocking
    public Multi<GenerateStreamChunk> generateStream(GenerateRequest request) {
        long start = System.nanoTime();
        UnicastProcessor<GenerateStreamChunk> chunks = UnicastProcessor.create();
        CompletableFuture<?> work;
        try {
            if (PolicyRequests.wantsSamplingLogProbs(request.getLogProbDistribution())) {
                throw new InvalidInputException("log_prob_distribution",
                        "LOG_PROB_DISTRIBUTION_SAMPLING is not streamed (tokens stream with raw log-probs); use Generate");
            }
            GenerationRequest generation = PolicyRequests.generate(request);
            work = givenUpAtDeadline(generator.generate(generation, 1, new StreamSink(chunks)));
        } catch (RuntimeException e) {
            metrics.callDone("GenerateStream", code(e, false), since(start));
            return Multi.createFrom().failure(GrpcErrors.toStatus(e));
        }
        work.whenComplete((r, e) -> {
            if (e == null) {
                chunks.onComplete();
            } else {
                chunks.onError(GrpcErrors.toStatus(e));
            }
            metrics.callDone("GenerateStream", code(e, false), since(start));
        });
        return chunks.onCancellation().invoke(() -> work.cancel(false));
    }

    @Override
    @Blocking
    public Uni<BestOfNResponse> bestOfN(BestOfNRequest request) {
        return call("BestOfN", () -> Futures.map(bestOfN.sample(PolicyRequests.bestOfN(request),
                request.getRewardVersion()), PolicyResponses::bestOfN));
    }

    @Override
    @Blocking
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        return call("ListModels", () -> {
            List<PolicyKind> kinds = request.getKind() == ModelKind.MODEL_KIND_UNSPECIFIED ? List.of(PolicyKind.values())
                    : List.of(ModelRefs.policyKind(request.getKind()).orElseThrow(() -> new InvalidInputException("kind",
                            request.getKind() + " is not a policy-like kind (base, SFT or policy)")));
            return CompletableFuture.completedFuture(PolicyResponses.listModels(models.list(kinds), models.served()));
        });
    }

    /** Runs one unary call: failures become statuses, cancellation reaches the work, latency is recorded. */
    private <T> Uni<T> call(String rpc, Supplier<CompletableFuture<T>> work) {
        long start = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = givenUpAtDeadline(work.get());
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> running = future;
        return Uni.createFrom().completionStage(running)
                .onFailure().transform(GrpcErrors::toStatus)
                .onCancellation().invoke(() -> running.cancel(false))
                .onTermination().invoke((result, failure, cancelled) -> metrics.callDone(rpc, code(failure, cancelled),
                        since(start)));
    }

    private static String code(Throwable failure, boolean cancelled) {
        if (cancelled) {
            return "CANCELLED";
        }
        return failure == null ? "OK" : GrpcErrors.toStatus(failure).getStatus().getCode().name();
    }

    /**
     * Cancels the work when the caller gives up (deadline passed, call cancelled; see {@link rlhf.service.CallLifetimeInterceptor}),
     * so nothing is computed for a caller that left.
     */
    private static <T> CompletableFuture<T> givenUpAtDeadline(CompletableFuture<T> work) {
        Context call = Context.current();
        if (call.isCancelled()) {
            work.cancel(false);
            return work;
        }
        Context.CancellationListener giveUp = c -> work.cancel(false);
        call.addListener(giveUp, Runnable::run);
        work.whenComplete((r, e) -> call.removeListener(giveUp));
        return work;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Streams each token as a chunk, and each sample's end as a chunk with its finish reason. */
    private static final class StreamSink implements TokenSink {
        private final UnicastProcessor<GenerateStreamChunk> chunks;
        private volatile ModelRef model = ModelRef.getDefaultInstance();

        StreamSink(UnicastProcessor<GenerateStreamChunk> chunks) {
            this.chunks = chunks;
        }

        @Override
        public void onModel(ModelId id) {
            model = ModelRefs.toProto(id);
        }

        @Override
        public void onToken(int index, int tokenId, String textDelta, float logProb) {
            chunks.onNext(PolicyResponses.token(index, tokenId, textDelta, logProb, model));
        }

        @Override
        public void onFinish(Completion completion, String textDelta) {
            chunks.onNext(PolicyResponses.end(completion, textDelta, model));
        }
    }
}
