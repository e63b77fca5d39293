package rlhf.policy;

import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreBatchResponse;

/**
 * A stand-in reward service on a real port: the reward of an answer is its length in tokens, end-of-text not
 * counted, so the best of n is predictable. Some reward versions misbehave on purpose.
 */
final class FakeRewardService extends RewardServiceGrpc.RewardServiceImplBase {

    /** The version reported when a call asks for the newest. */
    static final long NEWEST = 7;
    /** Always UNAVAILABLE. */
    static final long ALWAYS_UNAVAILABLE = 77;
    /** UNAVAILABLE twice, then answers (per three calls). */
    static final long FLAKY = 78;

    private final AtomicInteger flakyCalls = new AtomicInteger();

    @Override
    public void scoreBatch(ScoreBatchRequest request, StreamObserver<ScoreBatchResponse> response) {
        long version = request.getRewardVersion();
        if (version == ALWAYS_UNAVAILABLE || version == FLAKY && flakyCalls.incrementAndGet() % 3 != 0) {
            response.onError(Status.UNAVAILABLE.withDescription("fake reward replica restarting").asRuntimeException());
            return;
        }
        ScoreBatchResponse.Builder out = ScoreBatchResponse.newBuilder().setRewardVersion(version == 0 ? NEWEST : version);
        for (PromptAnswer item : request.getItemsList()) {
            if (!item.hasTokens() || item.getTokens().getPromptTokenIdsCount() == 0
                    || item.getTokens().getAnswerTokenIdsCount() == 0) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("items: token pairs expected").asRuntimeException());
                return;
            }
            out.addRewards(length(item));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    /** The fake reward: answer tokens other than end-of-text. */
    static float length(PromptAnswer item) {
        return (float) item.getTokens().getAnswerTokenIdsList().stream().filter(id -> id != ByteTokenizer.END_OF_TEXT).count();
    }
}
