package rlhf.gateway.chat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.gateway.config.GatewayConfig;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.policy.v1.MutinyPolicyServiceGrpc;
import rlhf.service.GrpcErrors;

/**
 * Answers of the served policy, from policy-service over gRPC ({@code quarkus.grpc.clients.policy.*}), each call under
 * the chat deadline; gRPC failures become {@link PolicyFailure}s with the HTTP status a caller should see.
 */
@ApplicationScoped
public class PolicyAnswers {

    private final MutinyPolicyServiceGrpc.MutinyPolicyServiceStub policy;
    private final GatewayConfig.Chat config;

    public PolicyAnswers(@GrpcClient("policy") MutinyPolicyServiceGrpc.MutinyPolicyServiceStub policy,
            GatewayConfig config) {
        this.policy = policy;
        this.config = config.chat();
    }

    /** {@code n} whole answers to {@code prompt}, with the model that produced them. */
    public Uni<GenerateResponse> answers(Prompt prompt, int n, Long seed) {
        return stub().generate(request(prompt, n, seed)).onFailure().transform(PolicyAnswers::failure);
    }

    /** {@code n} whole answers of a named stored version (labeling tasks that compare versions). */
    public Uni<GenerateResponse> answers(Prompt prompt, int n, Long seed, ModelRef model) {
        return stub().generate(request(prompt, n, seed).toBuilder().setModel(model).build()).onFailure()
                .transform(PolicyAnswers::failure);
    }

    /** {@code n} answers to {@code prompt}, token by token (the chunks of all answers interleaved). */
    public Multi<GenerateStreamChunk> stream(Prompt prompt, int n, Long seed) {
        return stub().generateStream(request(prompt, n, seed)).onFailure().transform(PolicyAnswers::failure);
    }

    /** The chat deadline. */
    public Duration deadline() {
        return config.deadline();
    }

    private MutinyPolicyServiceGrpc.MutinyPolicyServiceStub stub() {
        return policy.withDeadlineAfter(config.deadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    private GenerateRequest request(Prompt prompt, int n, Long seed) {
        SamplingParams.Builder sampling = SamplingParams.newBuilder().setTemperature((float) config.temperature())
                .setMaxNewTokens(config.maxNewTokens());
        if (seed != null) {
            sampling.setSeed(seed);
        }
        return GenerateRequest.newBuilder().setPrompt(prompt).setSampling(sampling).setN(n).build();
    }

    static Throwable failure(Throwable f) {
        if (!(GrpcErrors.unwrap(f) instanceof StatusRuntimeException e)) {
            return f;
        }
        Status s = e.getStatus();
        String why = s.getDescription() == null ? "" : ": " + s.getDescription();
        return switch (s.getCode()) {
            case DEADLINE_EXCEEDED -> new PolicyFailure(504, null, "policy-service did not answer within the deadline");
            case INVALID_ARGUMENT, OUT_OF_RANGE -> new PolicyFailure(400, "messages", "policy-service refused the "
                    + "conversation" + why);
            case RESOURCE_EXHAUSTED -> new PolicyFailure(503, null, "policy-service is overloaded" + why);
            default -> new PolicyFailure(503, null, "no policy is served right now (" + s.getCode() + why + ")");
        };
    }
}
