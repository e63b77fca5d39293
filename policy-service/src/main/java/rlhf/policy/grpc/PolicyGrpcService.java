package rlhf.policy.grpc;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import rlhf.policy.v1.BestOfNRequest;
import rlhf.policy.v1.BestOfNResponse;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.policy.v1.ListModelsRequest;
import rlhf.policy.v1.ListModelsResponse;
import rlhf.policy.v1.PolicyService;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.service.NotYetImplemented;

/** gRPC edge of the policy service. Generation needs the model/ engine and the PPO issue; until then each RPC says so. */
@GrpcService
public class PolicyGrpcService implements PolicyService {

    private static final String WHEN = "the PPO issue (policy generation on the model/ engine)";

    @Override
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(PolicyServiceGrpc.getGenerateMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Multi<GenerateStreamChunk> generateStream(GenerateRequest request) {
        return Multi.createFrom().failure(
                NotYetImplemented.rpc(PolicyServiceGrpc.getGenerateStreamMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Uni<BestOfNResponse> bestOfN(BestOfNRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(PolicyServiceGrpc.getBestOfNMethod().getFullMethodName(),
                "the PPO issue (best-of-n with the reward service)"));
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(PolicyServiceGrpc.getListModelsMethod().getFullMethodName(),
                "the PPO issue (serving stored policy versions)"));
    }
}
