package rlhf.policy.grpc;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.policy.config.PolicyServiceConfig;
import rlhf.policy.service.RewardScorer;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreBatchResponse;
import rlhf.reward.v1.TokenPair;

/**
 * The reward service's ScoreBatch over gRPC ({@code quarkus.grpc.clients.reward.*}): token pairs, so both sides use
 * the generator's ids; a deadline per attempt ({@code rlhf.policy.scoring.deadline}); retries with doubling backoff
 * only while the answer is UNAVAILABLE (a restarting or overloaded replica), up to
 * {@code rlhf.policy.scoring.max-attempts}. Anything else fails at once: retrying NOT_FOUND or INVALID_ARGUMENT cannot
 * help, and a DEADLINE_EXCEEDED attempt may still be computing.
 */
@ApplicationScoped
public class RewardClient implements RewardScorer {

    private static final Logger LOG = Logger.getLogger(RewardClient.class);

    private final RewardServiceGrpc.RewardServiceBlockingStub stub;
    private final PolicyServiceConfig.Scoring config;

    public RewardClient(@GrpcClient("reward") RewardServiceGrpc.RewardServiceBlockingStub stub, PolicyServiceConfig config) {
        this.stub = stub;
        this.config = config.scoring();
    }

    @Override
    public Rewards score(List<Item> items, long rewardVersion) {
        ScoreBatchRequest request = request(items, rewardVersion);
        long backoffMs = config.initialBackoff().toMillis();
        for (int attempt = 1;; attempt++) {
            try {
                ScoreBatchResponse response = stub.withDeadlineAfter(config.deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .scoreBatch(request);
                float[] rewards = new float[response.getRewardsCount()];
                for (int i = 0; i < rewards.length; i++) {
                    rewards[i] = response.getRewards(i);
                }
                return new Rewards(rewards, response.getRewardVersion());
            } catch (StatusRuntimeException e) {
                Status status = e.getStatus();
                if (status.getCode() != Status.Code.UNAVAILABLE || attempt >= config.maxAttempts()) {
                    throw failure(status, attempt);
                }
                LOG.debugf("reward service UNAVAILABLE (attempt %d of %d), retrying in %d ms: %s", attempt,
                        config.maxAttempts(), backoffMs, status.getDescription());
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 30_000);
            }
        }
    }

    private static StatusRuntimeException failure(Status status, int attempts) {
        String description = "reward service: " + status.getCode()
                + (attempts > 1 ? " after " + attempts + " attempts" : "")
                + (status.getDescription() == null ? "" : ": " + status.getDescription());
        return status.withDescription(description).asRuntimeException();
    }

    private static ScoreBatchRequest request(List<Item> items, long rewardVersion) {
        ScoreBatchRequest.Builder request = ScoreBatchRequest.newBuilder().setRewardVersion(rewardVersion);
        for (Item item : items) {
            TokenPair.Builder pair = TokenPair.newBuilder();
            for (int id : item.promptIds()) {
                pair.addPromptTokenIds(id);
            }
            for (int id : item.answerIds()) {
                pair.addAnswerTokenIds(id);
            }
            request.addItems(PromptAnswer.newBuilder().setTokens(pair));
        }
        return request.build();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("reward service: interrupted while backing off").asRuntimeException();
        }
    }
}
