package rlhf.trainer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.Timestamp;
import rlhf.common.v1.Prompt;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.Judgement;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.Split;
import rlhf.feedback.v1.UserErasure;
import rlhf.kafka.KafkaBrokers;
import rlhf.trainer.data.RankedComparison;
import rlhf.wire.Topic;

/**
 * The snapshot on the real broker: duplicates, erasures, the cap and one-tier comparisons left out and counted; the
 * file readable as the reward model's comparisons; rebuilt byte for byte from its manifest after more records arrived.
 */
class ComparisonSnapshotTest {

    private final String bootstrap = KafkaBrokers.shared().bootstrapServers();
    /** This run's ids and users, so other tests' records on the shared topics are told apart. */
    private final String run = "snap" + System.nanoTime();

    private Comparison comparison(String id, String user, String prompt, boolean overCap, int tiers) {
        Comparison.Builder c = Comparison.newBuilder().setComparisonId(run + "-" + id).setUserId(run + "-" + user)
                .setSplit(Split.SPLIT_TRAIN).setPrompt(Prompt.newBuilder().setText(prompt))
                .addAnswers(Answer.newBuilder().setText("12.").setLikert(7))
                .addAnswers(Answer.newBuilder().setText("13.").setLikert(2)).setSource("chat")
                .setCreatedAt(Timestamp.newBuilder().setSeconds(1_796_000_000L)).setOverPromptCap(overCap);
        if (tiers == 2) {
            c.addRanking(RankTier.newBuilder().addAnswerIndexes(0)).addRanking(RankTier.newBuilder().addAnswerIndexes(1));
        } else {
            c.addRanking(RankTier.newBuilder().addAnswerIndexes(0).addAnswerIndexes(1))
                    .setJudgement(Judgement.JUDGEMENT_TIE);
        }
        return c.build();
    }

    private void append(List<Comparison> comparisons, List<String> erasedUsers) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer())) {
            for (Comparison c : comparisons) {
                producer.send(new ProducerRecord<>(Topic.COMPARISONS.topicName(), c.getComparisonId(), c.toByteArray()))
                        .get();
            }
            for (String user : erasedUsers) {
                producer.send(new ProducerRecord<>(Topic.USER_ERASURES.topicName(), run + "-" + user,
                        UserErasure.newBuilder().setUserId(run + "-" + user).build().toByteArray())).get();
            }
        }
    }

    @Test
    void theRulesHoldAndTheSnapshotIsRebuiltByteForByteFromItsManifest(@TempDir Path dir) throws Exception {
        Comparison first = comparison("a", "ann", "What is 5 plus 7?", false, 2);
        append(List.of(first,
                comparison("a", "ann", "What is 5 plus 7? (a retry with other content)", false, 2), // same id: later
                comparison("b", "bob", "Hi", false, 2),
                comparison("c", "eve", "Hi from eve", false, 2), // erased below
                comparison("d", "ann", "Second prompt", true, 2), // flagged over the cap by the gateway
                comparison("e", "tia", "Tied", false, 1),
                comparison("f", "cid", "p1", false, 2), comparison("g", "cid", "p2", false, 2),
                comparison("h", "cid", "p3", false, 2), comparison("j", "cid", "p4", false, 2)), // 4 > a cap of 3
                List.of("eve"));
        ComparisonSnapshot.Manifest manifest = new ComparisonSnapshot(bootstrap, 3).take(dir.resolve("week1"));

        List<RankedComparison> read = RankedComparison.read(dir.resolve("week1").resolve(ComparisonSnapshot.FILE));
        List<String> mine = read.stream().map(RankedComparison::id).filter(id -> id.startsWith(run)).toList();
        // cid's four distinct prompts meet a cap of 3: the one last in the snapshot's order (partition, offset; ids hash
        // to partitions) is left out; the tie e gives no pair.
        assertThat(mine).hasSize(5).contains(run + "-a", run + "-b");
        assertThat(mine.stream().filter(id -> id.matches(".*-[fghj]"))).hasSize(3);
        assertThat(read.stream().filter(c -> c.id().equals(run + "-a")).findFirst().orElseThrow().prompt().get(0)
                .content()).as("the first record of an id counts").isEqualTo("What is 5 plus 7?");
        assertThat(Files.readString(dir.resolve("week1").resolve(ComparisonSnapshot.FILE)))
                .doesNotContain(run + "-eve");
        assertThat(manifest.counts().get("dropped.duplicate_id")).isGreaterThanOrEqualTo(1);
        assertThat(manifest.counts().get("dropped.erased")).isGreaterThanOrEqualTo(1);
        assertThat(manifest.counts().get("dropped.over_prompt_cap")).isGreaterThanOrEqualTo(2);
        assertThat(manifest.counts().get("dropped.no_preference")).isGreaterThanOrEqualTo(1);
        assertThat(manifest.counts()).containsKey("week.2026-W49");
        assertThat(manifest.records()).isEqualTo(read.size());

        // More comparisons (and another erasure) arrive; the manifest's ranges still give the same bytes.
        append(List.of(comparison("i", "dan", "Later", false, 2)), List.of("bob"));
        ComparisonSnapshot.Manifest stored = ComparisonSnapshot.readManifest(dir.resolve("week1")
                .resolve(ComparisonSnapshot.MANIFEST));
        assertThat(stored).isEqualTo(manifest);
        ComparisonSnapshot.Manifest rebuilt = ComparisonSnapshot.rebuild(stored, bootstrap, dir.resolve("again"));
        assertThat(rebuilt.sha256()).isEqualTo(manifest.sha256());
        assertThat(Files.readAllBytes(dir.resolve("again").resolve(ComparisonSnapshot.FILE)))
                .isEqualTo(Files.readAllBytes(dir.resolve("week1").resolve(ComparisonSnapshot.FILE)));

        // A new snapshot sees the new record and the new erasure.
        new ComparisonSnapshot(bootstrap, 3).take(dir.resolve("week2"));
        String week2 = Files.readString(dir.resolve("week2").resolve(ComparisonSnapshot.FILE));
        assertThat(week2).contains(run + "-i").doesNotContain("\"" + run + "-b\"");

        // A manifest whose digest the log cannot give is refused.
        ComparisonSnapshot.Manifest tampered = new ComparisonSnapshot.Manifest(stored.comparisonsTopic(),
                stored.comparisons(), stored.erasuresTopic(), stored.erasures(), stored.maxPromptsPerUser(),
                stored.records(), "0".repeat(64), stored.counts(), stored.file());
        assertThatThrownBy(() -> ComparisonSnapshot.rebuild(tampered, bootstrap, dir.resolve("bad")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("differs");
    }
}
