package rlhf.trainer.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.InvalidProtocolBufferException;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Prompt;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.UserErasure;
import rlhf.wire.Topic;

/**
 * A training snapshot of the human comparisons: {@code rlhf.comparisons} read up to the end offsets of each partition
 * as they were when the snapshot began (and {@code rlhf.user-erasures} likewise), the dataset rules applied, written as
 * the reward model's comparisons file with a manifest of the offset ranges, the counts and the file's SHA-256.
 *
 * <p>The rules, in this order, each counted in the manifest:
 * <ol>
 * <li>each comparison id once: the first record by offset (an id's records share a key, so a partition) — whatever
 * retries or gateway replicas appended;</li>
 * <li>erased users out: every comparison of a user with an erasure in the snapshot's erasure range;</li>
 * <li>the prompt cap: comparisons the gateway flagged {@code over_prompt_cap}, and beyond that any user's prompts after
 * its first {@code maxPromptsPerUser} distinct ones in the snapshot's order (partition, offset), so the cap holds even
 * when two gateway replicas each counted only their own;</li>
 * <li>no preference: a tie or "all bad" (one tier) gives the reward model no pair; counted, not written;</li>
 * <li>the split is the one the gateway stored (from the user id), so a user never straddles splits.</li>
 * </ol>
 * Lines are written in (partition, offset) order with fixed key order, so {@link #rebuild} from the manifest's ranges
 * gives the same bytes.
 */
public final class ComparisonSnapshot {

    /** Offsets {@code [from, to)} of one partition. */
    public record Range(int partition, long from, long to) {
    }

    /**
     * What a snapshot holds and how to rebuild it.
     *
     * @param counts kept per split / source / ISO week ({@code split.train}, {@code source.chat}, {@code week.2026-W49})
     *               and left out per rule ({@code dropped.duplicate_id}, {@code dropped.erased}, …)
     */
    public record Manifest(String comparisonsTopic, List<Range> comparisons, String erasuresTopic, List<Range> erasures,
            int maxPromptsPerUser, long records, String sha256, Map<String, Long> counts, String file) {
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Gson LINE = new GsonBuilder().disableHtmlEscaping().create();
    public static final String MANIFEST = "manifest.json";
    public static final String FILE = "comparisons.jsonl";

    private final String bootstrapServers;
    private final int maxPromptsPerUser;

    public ComparisonSnapshot(String bootstrapServers, int maxPromptsPerUser) {
        if (maxPromptsPerUser < 1) {
            throw new IllegalArgumentException("maxPromptsPerUser must be >= 1");
        }
        this.bootstrapServers = bootstrapServers;
        this.maxPromptsPerUser = maxPromptsPerUser;
    }

    /** Snapshots everything on the topics now into {@code dir} ({@value #FILE} + {@value #MANIFEST}). */
    public Manifest take(Path dir) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<Range> comparisons = everything(consumer, Topic.COMPARISONS.topicName());
            List<Range> erasures = everything(consumer, Topic.USER_ERASURES.topicName());
            return write(dir, consumer, comparisons, erasures);
        }
    }

    /**
     * Rebuilds a snapshot from a manifest's ranges into {@code dir}.
     *
     * @throws IllegalStateException when the rebuilt file's SHA-256 differs from the manifest's (the log changed under
     *                               the ranges: retention, compaction or a different cluster)
     */
    public static Manifest rebuild(Manifest manifest, String bootstrapServers, Path dir) {
        ComparisonSnapshot snapshot = new ComparisonSnapshot(bootstrapServers, manifest.maxPromptsPerUser());
        try (KafkaConsumer<String, byte[]> consumer = snapshot.consumer()) {
            Manifest rebuilt = snapshot.write(dir, consumer, manifest.comparisons(), manifest.erasures());
            if (!rebuilt.sha256().equals(manifest.sha256())) {
                throw new IllegalStateException("rebuilt snapshot differs: sha256 " + rebuilt.sha256() + " != "
                        + manifest.sha256());
            }
            return rebuilt;
        }
    }

    /** The online iteration's snapshots of the comparisons on the cluster at {@code bootstrapServers}. */
    public static rlhf.trainer.jobs.online.ComparisonSnapshots source(String bootstrapServers) {
        return (dir, maxPromptsPerUser) -> {
            Manifest m = new ComparisonSnapshot(bootstrapServers, maxPromptsPerUser).take(dir);
            return new rlhf.trainer.jobs.online.ComparisonSnapshots.Snapshot(dir.resolve(m.file()),
                    dir.resolve(MANIFEST), m.records(), m.counts());
        };
    }

    /** Reads a manifest written by {@link #take}. */
    public static Manifest readManifest(Path file) {
        try {
            return GSON.fromJson(Files.readString(file), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** From the start of each partition to its end now: the consistent cut this snapshot reads. */
    private static List<Range> everything(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).sorted((a, b) -> a.partition() - b.partition())
                .toList();
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        return partitions.stream().map(p -> new Range(p.partition(), begin.get(p), end.get(p))).toList();
    }

    private Manifest write(Path dir, KafkaConsumer<String, byte[]> consumer, List<Range> comparisonRanges,
            List<Range> erasureRanges) {
        Set<String> erased = new HashSet<>();
        read(consumer, Topic.USER_ERASURES.topicName(), erasureRanges, r -> {
            try {
                erased.add(UserErasure.parseFrom(r.value()).getUserId());
            } catch (InvalidProtocolBufferException e) {
                erased.add(r.key()); // the key is the user id
            }
        });
        Map<String, Long> counts = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        Map<String, Set<String>> promptsOfUser = new HashMap<>();
        StringBuilder out = new StringBuilder();
        long[] records = {0};
        read(consumer, Topic.COMPARISONS.topicName(), comparisonRanges, r -> {
            if (r.key() == null || !ids.add(r.key())) {
                counts.merge("dropped.duplicate_id", 1L, Long::sum);
                return;
            }
            Comparison c;
            try {
                c = Comparison.parseFrom(r.value());
            } catch (InvalidProtocolBufferException e) {
                counts.merge("dropped.unreadable", 1L, Long::sum);
                return;
            }
            if (erased.contains(c.getUserId())) {
                counts.merge("dropped.erased", 1L, Long::sum);
                return;
            }
            Set<String> prompts = promptsOfUser.computeIfAbsent(c.getUserId(), u -> new HashSet<>());
            String prompt = digest(c.getPrompt().toByteArray());
            if (c.getOverPromptCap() || (!prompts.contains(prompt) && prompts.size() >= maxPromptsPerUser)) {
                counts.merge("dropped.over_prompt_cap", 1L, Long::sum);
                return;
            }
            prompts.add(prompt);
            if (c.getRankingCount() < 2) {
                counts.merge("dropped.no_preference", 1L, Long::sum);
                return;
            }
            String split = c.getSplit().name().replace("SPLIT_", "").toLowerCase(Locale.ROOT);
            counts.merge("split." + split, 1L, Long::sum);
            counts.merge("source." + (c.getSource().isEmpty() ? "unknown" : c.getSource()), 1L, Long::sum);
            counts.merge("week." + week(c), 1L, Long::sum);
            out.append(LINE.toJson(line(c, split, r.partition(), r.offset()))).append('\n');
            records[0]++;
        });
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        Manifest manifest = new Manifest(Topic.COMPARISONS.topicName(), comparisonRanges,
                Topic.USER_ERASURES.topicName(), erasureRanges, maxPromptsPerUser, records[0], digest(bytes), counts,
                FILE);
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(FILE), bytes);
            Files.writeString(dir.resolve(MANIFEST), GSON.toJson(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return manifest;
    }

    /** Reads the ranges partition by partition, in offset order. */
    private static void read(KafkaConsumer<String, byte[]> consumer, String topic, List<Range> ranges,
            java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        for (Range range : ranges) {
            if (range.to() <= range.from()) {
                continue;
            }
            TopicPartition tp = new TopicPartition(topic, range.partition());
            consumer.assign(List.of(tp));
            consumer.seek(tp, range.from());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (consumer.position(tp) < range.to()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + tp + " up to " + range.to() + " (at "
                            + consumer.position(tp) + ")");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < range.to()) {
                        each.accept(r);
                    }
                }
            }
        }
        consumer.assign(List.of());
    }

    /** One line of the comparisons file, in the reward model's format (RankedComparison), keys in a fixed order. */
    private static JsonObject line(Comparison c, String split, int partition, long offset) {
        JsonObject o = new JsonObject();
        o.addProperty("id", c.getComparisonId());
        o.addProperty("user_id", c.getUserId());
        o.addProperty("split", split);
        Prompt p = c.getPrompt();
        if (p.hasChat()) {
            JsonArray messages = new JsonArray();
            for (ChatMessage m : p.getChat().getMessagesList()) {
                JsonObject turn = new JsonObject();
                turn.addProperty("role", m.getRole().name().replace("ROLE_", "").toLowerCase(Locale.ROOT));
                turn.addProperty("content", m.getContent());
                messages.add(turn);
            }
            o.add("messages", messages);
        } else {
            o.addProperty("prompt", p.getText());
        }
        JsonArray answers = new JsonArray();
        for (Answer a : c.getAnswersList()) {
            JsonObject answer = new JsonObject();
            answer.addProperty("text", a.getText());
            if (a.getLikert() != 0) {
                answer.addProperty("likert", a.getLikert());
            }
            if (a.hasModel()) {
                answer.addProperty("model", a.getModel().getKind().name().replace("MODEL_KIND_", "")
                        .toLowerCase(Locale.ROOT) + "/v" + a.getModel().getVersion());
            }
            answers.add(answer);
        }
        o.add("answers", answers);
        JsonArray ranking = new JsonArray();
        for (RankTier t : c.getRankingList()) {
            JsonArray tier = new JsonArray();
            t.getAnswerIndexesList().forEach(tier::add);
            ranking.add(tier);
        }
        o.add("ranking", ranking);
        o.addProperty("labeler_id", c.getLabelerId());
        o.addProperty("source", c.getSource());
        o.addProperty("week", week(c));
        o.addProperty("kafka", partition + "@" + offset);
        return o;
    }

    /** ISO week of the comparison's creation, e.g. {@code 2026-W49}. */
    static String week(Comparison c) {
        var date = Instant.ofEpochSecond(c.getCreatedAt().getSeconds()).atZone(ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR),
                date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
