package rlhf.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SeenComparisonsTest {

    private final SeenComparisons seen = new SeenComparisons();
    private final AtomicInteger appends = new AtomicInteger();

    private CompletableFuture<?> append() {
        appends.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Test
    void newThenDuplicateThenConflict() {
        assertThat(seen.submit("c1", "d1", this::append).join()).isEqualTo(SeenComparisons.Outcome.ACCEPTED);
        assertThat(seen.submit("c1", "d1", this::append).join()).isEqualTo(SeenComparisons.Outcome.DUPLICATE);
        assertThatThrownBy(() -> seen.submit("c1", "d2", this::append).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ConflictException.class).hasMessageContaining("comparison.comparison_id");
        assertThat(appends).hasValue(1);
    }

    @Test
    void whatTheLogHoldsCounts() {
        seen.observed("c2", "d");
        seen.observed("c2", "other"); // a later record of the id: the first one counts
        assertThat(seen.submit("c2", "d", this::append).join()).isEqualTo(SeenComparisons.Outcome.DUPLICATE);
        assertThat(appends).hasValue(0);
    }

    @Test
    void concurrentSubmissionsOfOneIdAppendOnce() {
        CompletableFuture<Void> broker = new CompletableFuture<>();
        List<CompletableFuture<SeenComparisons.Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            outcomes.add(seen.submit("c3", "d", () -> {
                appends.incrementAndGet();
                return broker;
            }));
        }
        broker.complete(null);
        assertThat(outcomes.stream().map(CompletableFuture::join).filter(o -> o == SeenComparisons.Outcome.ACCEPTED))
                .hasSize(1);
        assertThat(appends).hasValue(1);
    }

    @Test
    void aFailedAppendLeavesTheIdFree() {
        assertThatThrownBy(() -> seen.submit("c4", "d", () -> CompletableFuture.failedFuture(
                new IllegalStateException("broker down"))).join()).hasRootCauseMessage("broker down");
        assertThat(seen.submit("c4", "d", this::append).join()).isEqualTo(SeenComparisons.Outcome.ACCEPTED);
    }
}
