package rlhf.gateway.grpc;

import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import rlhf.feedback.v1.EraseUserRequest;
import rlhf.feedback.v1.EraseUserResponse;
import rlhf.feedback.v1.FeedbackService;
import rlhf.feedback.v1.Rejection;
import rlhf.feedback.v1.SubmitRequest;
import rlhf.feedback.v1.SubmitResponse;
import rlhf.feedback.v1.SubmitStreamResponse;
import rlhf.gateway.config.GatewayConfig;
import rlhf.gateway.service.ApiKeys;
import rlhf.gateway.service.Caller;
import rlhf.gateway.service.ConflictException;
import rlhf.gateway.service.Erasures;
import rlhf.gateway.service.ForbiddenException;
import rlhf.gateway.service.Ingest;
import rlhf.gateway.service.RateLimitedException;
import rlhf.gateway.service.UnauthenticatedException;
import rlhf.service.GrpcErrors;
import rlhf.service.InvalidInputException;

/**
 * gRPC edge of the gateway: {@code Submit} answers once the comparison is acknowledged by all in-sync replicas (or is a
 * duplicate of a stored one); {@code SubmitStream} ingests its messages together and answers per item at the end.
 * A stored id with other content is ALREADY_EXISTS; a broker that does not acknowledge in time is UNAVAILABLE.
 */
@GrpcService
@RegisterInterceptor(AuthorizationHeader.class)
public class FeedbackGrpcService implements FeedbackService {

    private final Ingest ingest;
    private final ApiKeys keys;
    private final Erasures erasures;
    private final int maxStreamItems;

    public FeedbackGrpcService(Ingest ingest, ApiKeys keys, Erasures erasures, GatewayConfig config) {
        this.ingest = ingest;
        this.keys = keys;
        this.erasures = erasures;
        this.maxStreamItems = config.maxBatchItems();
    }

    @Override
    public Uni<EraseUserResponse> eraseUser(EraseUserRequest request) {
        Caller caller;
        try {
            caller = caller(); // the call's metadata is read on the call's thread
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(status(e));
        }
        return Uni.createFrom().deferred(() -> Uni.createFrom().completionStage(erasures.erase(caller,
                        request.getUserId())))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(e -> EraseUserResponse.newBuilder().setUserId(e.userId()).setComparisonsKnown(e.comparisonsKnown())
                        .setEffect(e.effect()).build())
                .onFailure().transform(FeedbackGrpcService::status);
    }

    /** The caller of this call, from its {@code authorization} metadata (read by {@link AuthorizationHeader}). */
    private Caller caller() {
        return keys.authenticate(AuthorizationHeader.VALUE.get());
    }

    @Override
    public Uni<SubmitResponse> submit(SubmitRequest request) {
        Caller caller;
        try {
            caller = caller();
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(status(e));
        }
        return Uni.createFrom().deferred(() -> Uni.createFrom().completionStage(ingest.submit(comparison(request),
                        caller)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(r -> SubmitResponse.newBuilder().setComparisonId(r.comparisonId()).setSplit(r.split())
                        .setDuplicate(r.duplicate()).setOverPromptCap(r.overPromptCap()).build())
                .onFailure().transform(FeedbackGrpcService::status);
    }

    @Override
    public Uni<SubmitStreamResponse> submitStream(Multi<SubmitRequest> requests) {
        Caller caller;
        try {
            caller = caller();
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(status(e));
        }
        AtomicInteger index = new AtomicInteger();
        // Messages go in together (the producer batches their appends), each answered by its position in the stream.
        // They are checked and scrubbed one after another on one worker thread at a time (off the event loop), each up
        // to its append; the appends are then awaited together. (A worker-pool task per message cost more in thread
        // hand-offs than the messages' own work, as in the REST batch.)
        return requests.emitOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transform(request -> new Indexed(withinBound(index.getAndIncrement()), request))
                .onItem().transformToUni(m -> Uni.createFrom()
                        .deferred(() -> Uni.createFrom().completionStage(ingest.submit(comparison(m.request()), caller)))
                        .map(r -> new Outcome(m.index(), r, null))
                        .onFailure().recoverWithItem(f -> new Outcome(m.index(), null, f)))
                .merge(IN_FLIGHT)
                .collect().in(StreamTally::new, StreamTally::add)
                .map(StreamTally::response)
                .onFailure().transform(FeedbackGrpcService::status);
    }

    /**
     * A stream holds at most {@code rlhf.gateway.max-batch-items} messages, like a REST batch; the one after them
     * fails the stream (its answer would otherwise grow without bound).
     */
    private int withinBound(int index) {
        if (index >= maxStreamItems) {
            throw new InvalidInputException("comparisons", "a stream holds at most " + maxStreamItems
                    + " messages (rlhf.gateway.max-batch-items); message " + (index + 1) + " arrived. Earlier "
                    + "messages may be stored: send the rest in a new stream (a stored comparison_id answers as a "
                    + "duplicate)");
        }
        return index;
    }

    private static rlhf.feedback.v1.Comparison comparison(SubmitRequest request) {
        if (!request.hasComparison()) {
            throw new InvalidInputException("comparison", "required");
        }
        return request.getComparison();
    }

    private static Throwable status(Throwable failure) {
        Throwable f = GrpcErrors.unwrap(failure);
        if (f instanceof ConflictException e) {
            return Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException();
        }
        if (f instanceof UnauthenticatedException e) {
            return Status.UNAUTHENTICATED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (f instanceof ForbiddenException e) {
            return Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (f instanceof RateLimitedException e) {
            return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (f instanceof org.apache.kafka.common.KafkaException e) {
            return Status.UNAVAILABLE.withDescription("not stored: the Kafka cluster did not acknowledge the "
                    + "comparison (" + e.getClass().getSimpleName() + "); retry with the same comparison_id")
                    .asRuntimeException();
        }
        return GrpcErrors.toStatus(f);
    }

    /** Messages of one stream in flight at once. */
    private static final int IN_FLIGHT = 256;

    private record Indexed(int index, SubmitRequest request) {
    }

    private record Outcome(int index, Ingest.Result result, Throwable failure) {
    }

    /** The per-item answers of one stream; rejections sorted by position. */
    private static final class StreamTally {
        private final java.util.List<Rejection> rejections = new java.util.ArrayList<>();
        private int accepted;
        private int duplicates;

        void add(Outcome outcome) {
            if (outcome.result() != null) {
                if (outcome.result().duplicate()) {
                    duplicates++;
                } else {
                    accepted++;
                }
                return;
            }
            int i = outcome.index();
            Throwable f = GrpcErrors.unwrap(outcome.failure());
            io.grpc.StatusRuntimeException s = (io.grpc.StatusRuntimeException) status(f);
            String field = f instanceof InvalidInputException e ? e.field()
                    : f instanceof ConflictException c ? c.field()
                    : f instanceof ForbiddenException d ? d.field() : "comparison";
            rejections.add(Rejection.newBuilder().setIndex(i).setField(field)
                    .setReason(s.getStatus().getCode() + ": " + s.getStatus().getDescription()).build());
        }

        SubmitStreamResponse response() {
            rejections.sort(java.util.Comparator.comparingInt(Rejection::getIndex));
            return SubmitStreamResponse.newBuilder().setAccepted(accepted).setDuplicates(duplicates)
                    .addAllRejections(rejections).build();
        }
    }
}
