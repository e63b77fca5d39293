package rlhf.gateway.grpc;

import java.util.concurrent.CompletionException;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import rlhf.feedback.v1.FeedbackService;
import rlhf.feedback.v1.Rejection;
import rlhf.feedback.v1.SubmitRequest;
import rlhf.feedback.v1.SubmitResponse;
import rlhf.feedback.v1.SubmitStreamResponse;
import rlhf.gateway.service.ApiKeys;
import rlhf.gateway.service.Caller;
import rlhf.gateway.service.ConflictException;
import rlhf.gateway.service.ForbiddenException;
import rlhf.gateway.service.Ingest;
import rlhf.gateway.service.RateLimitedException;
import rlhf.gateway.service.UnauthenticatedException;
import rlhf.service.GrpcErrors;
import rlhf.service.InvalidInputException;

/**
 * gRPC edge of the gateway: {@code Submit} answers once the comparison is acknowledged by all in-sync replicas (or is a
 * duplicate of a stored one); {@code SubmitStream} ingests in order, one at a time, and answers per item at the end.
 * A stored id with other content is ALREADY_EXISTS; a broker that does not acknowledge in time is UNAVAILABLE.
 */
@GrpcService
@RegisterInterceptor(AuthorizationHeader.class)
public class FeedbackGrpcService implements FeedbackService {

    private final Ingest ingest;
    private final ApiKeys keys;

    public FeedbackGrpcService(Ingest ingest, ApiKeys keys) {
        this.ingest = ingest;
        this.keys = keys;
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
        return requests.onItem().transformToUniAndConcatenate(request -> Uni.createFrom()
                        .deferred(() -> Uni.createFrom().completionStage(ingest.submit(comparison(request), caller)))
                        .map(r -> (Object) r).onFailure().recoverWithItem(f -> f))
                .collect().in(StreamTally::new, StreamTally::add)
                .map(StreamTally::response)
                .onFailure().transform(FeedbackGrpcService::status);
    }

    private static rlhf.feedback.v1.Comparison comparison(SubmitRequest request) {
        if (!request.hasComparison()) {
            throw new InvalidInputException("comparison", "required");
        }
        return request.getComparison();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static Throwable status(Throwable failure) {
        Throwable f = unwrap(failure);
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

    /** The per-item answers of one stream, in order. */
    private static final class StreamTally {
        private int index;
        private int accepted;
        private int duplicates;
        private final SubmitStreamResponse.Builder response = SubmitStreamResponse.newBuilder();

        void add(Object outcome) {
            int i = index++;
            if (outcome instanceof Ingest.Result r) {
                if (r.duplicate()) {
                    duplicates++;
                } else {
                    accepted++;
                }
                return;
            }
            Throwable f = unwrap((Throwable) outcome);
            io.grpc.StatusRuntimeException s = (io.grpc.StatusRuntimeException) status(f);
            String field = f instanceof InvalidInputException e ? e.field()
                    : f instanceof ConflictException c ? c.field()
                    : f instanceof ForbiddenException d ? d.field() : "comparison";
            response.addRejections(Rejection.newBuilder().setIndex(i).setField(field)
                    .setReason(s.getStatus().getCode() + ": " + s.getStatus().getDescription()));
        }

        SubmitStreamResponse response() {
            return response.setAccepted(accepted).setDuplicates(duplicates).build();
        }
    }
}
