package rlhf.gateway.grpc;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import rlhf.feedback.v1.FeedbackService;
import rlhf.feedback.v1.FeedbackServiceGrpc;
import rlhf.feedback.v1.SubmitRequest;
import rlhf.feedback.v1.SubmitResponse;
import rlhf.feedback.v1.SubmitStreamResponse;
import rlhf.service.NotYetImplemented;

/** gRPC edge of the feedback gateway. Ingest (validation, scrubbing, caps, splits) comes with its own issue; until then each RPC says so. */
@GrpcService
public class FeedbackGrpcService implements FeedbackService {

    private static final String WHEN = "the human-feedback ingest issue (validation, PII scrubbing, per-user caps, splits)";

    @Override
    public Uni<SubmitResponse> submit(SubmitRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(FeedbackServiceGrpc.getSubmitMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Uni<SubmitStreamResponse> submitStream(Multi<SubmitRequest> request) {
        return Uni.createFrom().failure(
                NotYetImplemented.rpc(FeedbackServiceGrpc.getSubmitStreamMethod().getFullMethodName(), WHEN));
    }
}
