package rlhf.reward.testing;

import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh model store per application start, holding reward v1 (a tiny model made here), handed to the service as
 * {@code rlhf.reward.model-store}. Batches wait up to 25 ms for company: long enough that concurrent test calls
 * reliably share a forward pass on a busy 2-core machine.
 */
public class RewardStoreResource implements QuarkusTestResourceLifecycleManager {

    private Path store;

    @Override
    public Map<String, String> start() {
        store = TinyRewardModels.newStoreWithV1();
        return Map.of("rlhf.reward.model-store", store.toString(), "rlhf.reward.max-batch-wait", "25ms");
    }

    @Override
    public void stop() {
        if (store != null) {
            TinyRewardModels.delete(store);
        }
    }
}
