package rlhf.reward;

import java.util.List;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.common.v1.Prompt;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.TextPair;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceBootContract;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class RewardServiceBootTest extends ServiceBootContract {

    @Override
    protected List<String> grpcServices() {
        return List.of("rlhf.reward.v1.RewardService");
    }

    @Override
    protected void callUnimplementedRpc(ManagedChannel channel) {
        RewardServiceGrpc.newBlockingStub(channel).score(ScoreRequest.newBuilder().setItem(PromptAnswer.newBuilder().setText(TextPair.newBuilder().setPrompt(Prompt.newBuilder().setText("What is 2 plus 3?")).setAnswer("5."))).build());
    }
}
