package rlhf.reward.grpc;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import rlhf.reward.v1.CompareRequest;
import rlhf.reward.v1.CompareResponse;
import rlhf.reward.v1.RewardService;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreBatchResponse;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.ScoreResponse;
import rlhf.service.NotYetImplemented;

/** gRPC edge of the reward service. Scoring needs a trained reward model (the reward-model issue); until then each RPC says so. */
@GrpcService
public class RewardGrpcService implements RewardService {

    private static final String WHEN = "the reward-model issue (scoring with a trained reward model)";

    @Override
    public Uni<ScoreResponse> score(ScoreRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(RewardServiceGrpc.getScoreMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Uni<ScoreBatchResponse> scoreBatch(ScoreBatchRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(RewardServiceGrpc.getScoreBatchMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Uni<CompareResponse> compare(CompareRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(RewardServiceGrpc.getCompareMethod().getFullMethodName(), WHEN));
    }
}
