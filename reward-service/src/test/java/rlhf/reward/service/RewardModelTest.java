package rlhf.reward.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDList;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.store.CheckpointStore;
import rlhf.reward.testing.TinyRewardModels;

/** One loaded version's coalescer, without the service around it. */
class RewardModelTest {

    @TempDir
    Path store;

    @Test
    void aCallThatDoesNotFitTheQueueIsRejectedWholeAndItsQueuedPairsAreWithdrawn() throws InterruptedException {
        TinyRewardModels.publish(store, 1);
        AtomicInteger scored = new AtomicInteger();
        RewardModel model = new RewardModel(1, new CheckpointStore(store).load(TinyRewardModels.KIND, 1),
                new RewardModel.Batching(1, Duration.ZERO, 4), (size, nanos) -> scored.addAndGet(size), m -> { });
        List<Scorer.Example> examples = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            examples.add(new Scorer.Example(new int[] {1, 2, 3}, new int[] {4, 5}));
        }

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> model.submitAll(examples));
        Thread.sleep(300); // let the worker finish what it had taken

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(scored.get()).as("pairs scored out of the ~5 accepted before the queue filled").isLessThan(5);
        model.close();
    }

    @Test
    void coalescedRewardsEqualTheReferenceOneByOne() throws Exception {
        TinyRewardModels.publish(store, 7);
        assertCoalescedRewardsEqualTheReference();
    }

    @Test
    void aRewardModelWithTheLikelihoodTermIsServedWithIt() throws Exception {
        TinyRewardModels.publish(store, TinyRewardModels.CONFIG.withRewardLikelihood(true), 7);
        assertCoalescedRewardsEqualTheReference();
        // The served reward is not the head alone: β · mean log π(y | x) is added (β = 1 for a fresh model).
        try (var loaded = new CheckpointStore(store).load(TinyRewardModels.KIND, 1);
                GptModel headOnly = GptModel.fromNamedArrays(TinyRewardModels.CONFIG, withoutBeta(loaded.model()))) {
            Scorer.Example e = new Scorer.Example(new int[] {258, 'a', 256, 259}, new int[] {'b', 256});
            Scorer.Scores full = new Scorer(loaded.model()).score(List.of(e)).get(0);
            float head = new Scorer(headOnly).score(List.of(e)).get(0).reward();
            float meanLogp = (full.logProbs()[0] + full.logProbs()[1]) / 2;
            assertThat(full.reward()).isCloseTo(head + meanLogp, within(1e-5f));
            assertThat(meanLogp).isLessThan(-1f);
        }
    }

    private static NDList withoutBeta(GptModel model) {
        NDList list = new NDList();
        model.parameters().forEach((name, p) -> {
            if (!name.equals(GptModel.LIKELIHOOD_WEIGHT)) {
                list.add(p);
            }
        });
        return list;
    }

    private void assertCoalescedRewardsEqualTheReference() throws Exception {
        RewardModel model = new RewardModel(1, new CheckpointStore(store).load(TinyRewardModels.KIND, 1),
                new RewardModel.Batching(8, Duration.ofMillis(50), 64), (size, nanos) -> { }, m -> { });
        List<Scorer.Example> examples = List.of(new Scorer.Example(new int[] {258, 'a', 256, 259}, new int[] {'b', 256}),
                new Scorer.Example(new int[] {258, 'l', 'o', 'n', 'g', 'e', 'r', 256, 259}, new int[] {'x', 'y', 'z', 256}),
                new Scorer.Example(new int[] {7}, new int[] {9}));

        var parts = model.submitAll(examples); // one padded forward pass of three different lengths

        for (int i = 0; i < examples.size(); i++) {
            Scorer.Example e = examples.get(i);
            assertThat(parts.get(i).get()).as("pair %d", i).isCloseTo(
                    TinyRewardModels.expectedReward(store, 1, e.prompt(), e.response()),
                    within(1e-5f));
        }
        model.close();
    }
}
