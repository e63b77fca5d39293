package rlhf.reward.grpc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import rlhf.common.v1.Prompt;
import rlhf.kafka.KafkaTestResource;
import rlhf.model.store.Checkpoint;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.reward.config.RewardServiceConfig;
import rlhf.reward.testing.RewardClient;
import rlhf.reward.testing.RewardStoreResource;
import rlhf.reward.testing.TinyRewardModels;
import rlhf.reward.v1.CompareRequest;
import rlhf.reward.v1.CompareResponse;
import rlhf.reward.v1.RewardServiceGrpc.RewardServiceBlockingStub;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreBatchResponse;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.ScoreResponse;

/**
 * A new reward version published to the store and announced on rlhf.model-versions while callers score in a loop:
 * no call fails, every answer is the reward of the version it names, callers see the old version and then only the
 * new one, and calls in flight across the swap complete on the version they started with.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(RewardStoreResource.class)
class RewardVersionSwapTest {

    private static final int CALLERS = 8;
    private static final String[] QUESTIONS = {"What is 2 plus 3?", "Name a colour.", "Say hi."};
    private static final String[] ANSWERS = {"5.", "Blue.", "Hi!"};
    private static final java.util.Map<String, Float> EXPECTED = new java.util.concurrent.ConcurrentHashMap<>();

    @TestHTTPResource("/")
    URL root;

    @Inject
    RewardServiceConfig config;

    /** One finished call: when it ran, which version answered, and whether its rewards were that version's. */
    record Call(int caller, long startNanos, long endNanos, long version, boolean rewardsMatch, Throwable failure) {
    }

    @Test
    void swappingTheVersionDuringCallsFailsNoCall() throws Exception {
        Path store = Path.of(config.modelStore());
        long old;
        try (RewardClient probe = new RewardClient(root.getPort())) {
            old = probe.blocking().score(ScoreRequest.newBuilder().setItem(RewardClient.text("Hi", "Hello.")).build())
                    .getRewardVersion();
        }
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch warmedUp = new CountDownLatch(CALLERS * 3);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        List<RewardClient> clients = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            RewardClient client = new RewardClient(root.getPort());
            clients.add(client);
            int caller = c;
            pool.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    calls.add(call(client.blocking(), caller, i, store));
                    warmedUp.countDown();
                }
            });
        }
        try {
            assertThat(warmedUp.await(60, TimeUnit.SECONDS)).as("callers warmed up on v%d", old).isTrue();

            Checkpoint next = TinyRewardModels.publish(store, 1000 + old);
            TinyRewardModels.announce(next);
            long swapDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (calls.stream().noneMatch(c -> c.version() == next.version()) && System.nanoTime() < swapDeadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // keep calling on the new version a while
        } finally {
            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            for (RewardClient client : clients) {
                client.close();
            }
        }

        long newVersion = old + 1;
        assertThat(calls).extracting(Call::failure).as("failed calls").containsOnlyNulls();
        assertThat(calls).extracting(Call::version).containsOnly(old, newVersion).contains(old, newVersion);
        assertThat(calls).allSatisfy(c -> assertThat(c.rewardsMatch()).as("rewards of the version named").isTrue());
        long firstNewStart = calls.stream().filter(c -> c.version() == newVersion).mapToLong(Call::startNanos).min().orElseThrow();
        long firstNewDone = calls.stream().filter(c -> c.version() == newVersion).mapToLong(Call::endNanos).min().orElseThrow();
        assertThat(calls).filteredOn(c -> c.startNanos() > firstNewDone).as("calls started after v%d answered", newVersion)
                .isNotEmpty().allSatisfy(c -> assertThat(c.version()).isEqualTo(newVersion));
        for (int caller = 0; caller < CALLERS; caller++) {
            int id = caller;
            List<Long> seen = calls.stream().filter(c -> c.caller() == id).map(Call::version).toList();
            assertThat(seen).as("caller %d sees the old version, then only the new one", id).isSorted();
        }
        long inFlightAcross = calls.stream().filter(c -> c.version() == old && c.endNanos() > firstNewStart).count();
        assertThat(inFlightAcross).as("calls on v%d still in flight when v%d calls began", old, newVersion).isPositive();
        System.out.printf("version swap v%d -> v%d: %d calls, none failed, %d completed on v%d across the swap%n",
                old, newVersion, calls.size(), inFlightAcross, old);

        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'reward-model' }.data.version", org.hamcrest.Matchers.equalTo((int) newVersion));
        assertThat(RewardClient.sample(RewardClient.metrics(), "rlhf_reward_version")).isEqualTo(newVersion);
    }

    /** One of Score, ScoreBatch or Compare in turn; checks the rewards against the version the answer names. */
    private static Call call(RewardServiceBlockingStub stub, int caller, int i, Path store) {
        long start = System.nanoTime();
        try {
            int q = i % QUESTIONS.length;
            switch (i % 3) {
                case 0 -> {
                    ScoreResponse r = stub.score(ScoreRequest.newBuilder().setItem(RewardClient.text(QUESTIONS[q], ANSWERS[q])).build());
                    return done(caller, start, r.getRewardVersion(), matches(store, r.getRewardVersion(), q, r.getReward()));
                }
                case 1 -> {
                    ScoreBatchRequest.Builder b = ScoreBatchRequest.newBuilder();
                    for (int k = 0; k < QUESTIONS.length; k++) {
                        b.addItems(RewardClient.text(QUESTIONS[k], ANSWERS[k]));
                    }
                    ScoreBatchResponse r = stub.scoreBatch(b.build());
                    boolean ok = r.getRewardsCount() == QUESTIONS.length;
                    for (int k = 0; ok && k < QUESTIONS.length; k++) {
                        ok = matches(store, r.getRewardVersion(), k, r.getRewards(k));
                    }
                    return done(caller, start, r.getRewardVersion(), ok);
                }
                default -> {
                    CompareResponse r = stub.compare(CompareRequest.newBuilder().setPrompt(Prompt.newBuilder().setText(QUESTIONS[q]))
                            .setAnswerA(ANSWERS[q]).setAnswerB(ANSWERS[q]).build());
                    // a and b may land in different forward passes (shapes differ in the last bits): 0.5 up to float noise
                    boolean ok = matches(store, r.getRewardVersion(), q, r.getRewardA())
                            && matches(store, r.getRewardVersion(), q, r.getRewardB())
                            && Math.abs(r.getProbabilityAPreferred() - 0.5) < 1e-5;
                    return done(caller, start, r.getRewardVersion(), ok);
                }
            }
        } catch (RuntimeException | AssertionError e) {
            return new Call(caller, start, System.nanoTime(), -1, false, e);
        }
    }

    private static Call done(int caller, long start, long version, boolean rewardsMatch) {
        return new Call(caller, start, System.nanoTime(), version, rewardsMatch, null);
    }

    private static boolean matches(Path store, long version, int q, float reward) {
        float expected = EXPECTED.computeIfAbsent(version + "#" + q, k -> {
            ByteTokenizer t = new ByteTokenizer();
            return TinyRewardModels.expectedReward(store, version, PromptResponse.promptIds(t, QUESTIONS[q]),
                    PromptResponse.responseIds(t, ANSWERS[q]));
        });
        return Math.abs(expected - reward) <= 1e-5f;
    }
}
