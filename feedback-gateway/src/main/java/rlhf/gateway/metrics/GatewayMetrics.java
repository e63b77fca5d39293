package rlhf.gateway.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.Split;
import rlhf.gateway.service.PiiScrubber.PiiType;

/**
 * Every meter of the gateway, declared here (tags are bounded: outcomes, field paths without their indexes, PII types,
 * splits; never ids):
 * <ul>
 * <li>{@code rlhf.gateway.comparisons{outcome=accepted|duplicate|rejected|conflict|failed}} counter</li>
 * <li>{@code rlhf.gateway.rejections{field}} counter, e.g. {@code field=comparison.ranking[].answer_indexes[]}</li>
 * <li>{@code rlhf.gateway.pii{type=email|phone|card|iban}} counter: values replaced before the append</li>
 * <li>{@code rlhf.gateway.split{split=train|validation|test}} counter of accepted comparisons</li>
 * <li>{@code rlhf.gateway.tied} counter of accepted comparisons with at least one tie (tie rate = tied / accepted)</li>
 * <li>{@code rlhf.gateway.ingest} timer: from receipt to the acknowledged append</li>
 * <li>{@code rlhf.gateway.over.cap} counter: comparisons stored over their user's prompt cap (left out of training)</li>
 * <li>{@code rlhf.gateway.erasures} counter: users' erasures recorded</li>
 * </ul>
 */
@ApplicationScoped
public class GatewayMetrics {

    private static final Pattern INDEX = Pattern.compile("\\[\\d+]");

    private final MeterRegistry registry;
    private final Timer ingest;
    private final Counter tied;
    private final Counter overCap;
    private final Counter erasures;
    private final Timer chatFirstToken;
    private final Timer chatAnswer;
    private final Counter tasksIssued;
    // Registered once: building and registering a meter per comparison (hashing its id in the registry) showed in the
    // ingest profile (P5). Outcomes, PII types and splits are fixed sets; rejection fields are not, and stay lazy.
    private final Map<String, Counter> outcomes = new java.util.HashMap<>();
    private final Map<PiiType, Counter> piiCounters = new java.util.EnumMap<>(PiiType.class);
    private final Map<Split, Counter> splits = new java.util.EnumMap<>(Split.class);

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.ingest = Timer.builder("rlhf.gateway.ingest").description("receipt to acknowledged append")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.tied = Counter.builder("rlhf.gateway.tied").description("accepted comparisons with a tie")
                .register(registry);
        this.overCap = Counter.builder("rlhf.gateway.over.cap")
                .description("comparisons stored over their user's prompt cap").register(registry);
        this.erasures = Counter.builder("rlhf.gateway.erasures").description("users' erasures recorded")
                .register(registry);
        this.chatFirstToken = Timer.builder("rlhf.gateway.chat.first.token")
                .description("streamed chat: request to the first token from policy-service")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.chatAnswer = Timer.builder("rlhf.gateway.chat.answer").description("chat request to its last answer")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.tasksIssued = Counter.builder("rlhf.gateway.labeling.tasks.issued")
                .description("labeling tasks handed to labelers").register(registry);
        for (String outcome : new String[] {"accepted", "duplicate", "rejected", "conflict", "failed"}) {
            outcomes.put(outcome, Counter.builder("rlhf.gateway.comparisons") // present at 0 from boot
                    .description("submitted comparisons by outcome").tag("outcome", outcome).register(registry));
        }
        for (PiiType type : PiiType.values()) {
            piiCounters.put(type, Counter.builder("rlhf.gateway.pii")
                    .description("personal data values replaced before the append")
                    .tag("type", type.name().toLowerCase()).register(registry));
        }
        for (Split split : new Split[] {Split.SPLIT_TRAIN, Split.SPLIT_VALIDATION, Split.SPLIT_TEST}) {
            splits.put(split, splitCounter(split));
        }
    }

    /** A comparison refused for a bad field; the indexes leave the path, so the tag stays bounded. */
    public void rejected(String field) {
        outcome("rejected").increment();
        Counter.builder("rlhf.gateway.rejections").description("comparisons refused, by field")
                .tag("field", INDEX.matcher(field).replaceAll("[]")).register(registry).increment();
    }

    public void conflict() {
        outcome("conflict").increment();
    }

    public void failed() {
        outcome("failed").increment();
    }

    /** A comparison answered as stored: newly appended, or a duplicate of one stored before. */
    public void stored(Comparison stored, Map<PiiType, Integer> pii, boolean duplicate, long nanos) {
        ingest.record(Duration.ofNanos(nanos));
        if (duplicate) {
            outcome("duplicate").increment();
            return;
        }
        outcome("accepted").increment();
        pii.forEach((type, n) -> pii(type).increment(n));
        Counter split = splits.get(stored.getSplit());
        (split != null ? split : splitCounter(stored.getSplit())).increment();
        if (stored.getOverPromptCap()) {
            overCap.increment();
        }
        if (stored.getRankingList().stream().mapToInt(RankTier::getAnswerIndexesCount).anyMatch(n -> n > 1)) {
            tied.increment();
        }
    }

    public void erased() {
        erasures.increment();
    }

    private Counter outcome(String outcome) {
        return outcomes.get(outcome);
    }

    private Counter pii(PiiType type) {
        return piiCounters.get(type);
    }

    private Counter splitCounter(Split split) {
        return Counter.builder("rlhf.gateway.split").description("accepted comparisons by split")
                .tag("split", split.name().substring("SPLIT_".length()).toLowerCase()).register(registry);
    }

    /** A streamed chat's first token arrived. */
    public void chatFirstToken(long nanos) {
        chatFirstToken.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A chat request's answers are all served. */
    public void chatAnswered(long nanos) {
        chatAnswer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A labeling task was handed to a labeler. */
    public void taskIssued() {
        tasksIssued.increment();
    }

    /** Prompts waiting in the labeling queue, read when scraped. */
    public void labelingQueue(java.util.function.Supplier<Number> waiting) {
        io.micrometer.core.instrument.Gauge.builder("rlhf.gateway.labeling.waiting", waiting)
                .description("prompts and open tasks waiting in the labeling queue").register(registry);
    }
}
