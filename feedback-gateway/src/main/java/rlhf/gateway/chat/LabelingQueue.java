package rlhf.gateway.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.Judgement;
import rlhf.feedback.v1.RankTier;
import rlhf.gateway.config.GatewayConfig;
import rlhf.gateway.metrics.GatewayMetrics;
import rlhf.gateway.service.Caller;
import rlhf.gateway.service.ComparisonRules;
import rlhf.gateway.service.Ingest;
import rlhf.gateway.service.RateLimitedException;
import rlhf.policy.v1.Completion;
import rlhf.service.InvalidInputException;

/**
 * The labeling queue: operators queue prompts; a labeler asking for work gets a task — the prompt and K ∈
 * [min, max] answers of the current policy, each with a signed reference — and ranks them. A configurable share of
 * tasks goes to two different labelers, so their agreement can be measured. A skipped task goes to another labeler.
 *
 * <p>The queue lives in this replica's memory: a restart loses the prompts not yet handed out (operators queue them
 * again). A ranking needs nothing of it: its answers are checked against their references, so a task handed out
 * before a restart, or by another replica, is still accepted.
 */
@ApplicationScoped
public class LabelingQueue {

    /** A task handed out: who has it, who skipped it, who ranked it, and how many rankings it needs. */
    private static final class Open {
        final ChatShapes.Task task;
        final int needed;
        final Set<String> issuedTo = new HashSet<>();
        final Set<String> skippedBy = new HashSet<>();
        final Set<String> rankedBy = new HashSet<>();

        Open(ChatShapes.Task task, int needed) {
            this.task = task;
            this.needed = needed;
        }

        /** Fewer labelers hold it (issued, not skipped) than it needs. */
        boolean needsLabeler() {
            return issuedTo.size() - skippedBy.size() < needed;
        }

        boolean offerableTo(String labeler) {
            return !issuedTo.contains(labeler) && needsLabeler();
        }
    }

    private final PolicyAnswers policy;
    private final AnswerReferences references;
    private final Ingest ingest;
    private final GatewayConfig.Labeling config;
    private final GatewayMetrics metrics;
    private final ComparisonRules rules;
    private final Deque<ChatShapes.QueuedPrompt> prompts = new ArrayDeque<>();
    private final Map<String, Open> open = new LinkedHashMap<>();
    private final Random random;
    private long nextTask;

    public LabelingQueue(PolicyAnswers policy, AnswerReferences references, Ingest ingest, GatewayConfig config,
            GatewayMetrics metrics) {
        this.policy = policy;
        this.references = references;
        this.ingest = ingest;
        this.config = config.labeling();
        this.metrics = metrics;
        this.rules = new ComparisonRules(config.maxTextChars(), config.maxAnswers());
        this.random = new Random(this.config.seed());
        if (this.config.minAnswers() > this.config.maxAnswers()) {
            throw new IllegalStateException("rlhf.gateway.labeling.min-answers > max-answers");
        }
        metrics.labelingQueue(this::waiting);
    }

    /** Queues prompts (admin); all or nothing. */
    public synchronized ChatShapes.Queued enqueue(Caller caller, ChatShapes.QueuedPrompts body) {
        caller.checkAdmin("queuing prompts for labeling");
        if (body == null || body.prompts() == null || body.prompts().isEmpty()) {
            throw new InvalidInputException("prompts", "required: at least one {userId, text}");
        }
        List<ChatShapes.Model> models = models(body.models());
        List<ChatShapes.QueuedPrompt> checked = new ArrayList<>();
        for (int i = 0; i < body.prompts().size(); i++) {
            ChatShapes.QueuedPrompt p = body.prompts().get(i);
            String field = "prompts[" + i + "]";
            if (p == null) {
                throw new InvalidInputException(field, "required: {userId, text}");
            }
            ComparisonRules.checkId(p.userId(), field + ".userId");
            ServedAnswers.text(p.text(), field + ".text", rules);
            checked.add(new ChatShapes.QueuedPrompt(p.userId(), p.text(), models));
        }
        if (waiting() + checked.size() > config.maxQueued()) {
            throw new RateLimitedException("prompts", java.time.Duration.ofSeconds(60));
        }
        prompts.addAll(checked);
        return new ChatShapes.Queued(checked.size(), waiting());
    }

    /** The models a queue request names: at most 4 distinct, kind {@code policy} or {@code sft}, version ≥ 1. */
    static List<ChatShapes.Model> models(List<ChatShapes.Model> given) {
        if (given == null || given.isEmpty()) {
            return List.of();
        }
        if (given.size() > 4) {
            throw new InvalidInputException("models", "at most 4 models per task, got " + given.size());
        }
        for (int i = 0; i < given.size(); i++) {
            ChatShapes.Model m = given.get(i);
            if (m == null || m.kind() == null || !(m.kind().equals("policy") || m.kind().equals("sft"))) {
                throw new InvalidInputException("models[" + i + "].kind", "required: policy or sft");
            }
            if (m.version() < 1) {
                throw new InvalidInputException("models[" + i + "].version", "required: a stored version >= 1");
            }
        }
        if (new java.util.HashSet<>(given).size() < given.size()) {
            throw new InvalidInputException("models", "each model at most once");
        }
        return List.copyOf(given);
    }

    /** The next task for this labeler, or empty when nothing waits for it. */
    public Uni<Optional<ChatShapes.Task>> next(Caller caller) {
        caller.checkRole(GatewayConfig.Role.LABELER, "labeling");
        String labeler = caller.labelerId().orElse(caller.keyName());
        ChatShapes.QueuedPrompt prompt;
        int k;
        String taskId;
        synchronized (this) {
            for (Open o : open.values()) {
                if (o.offerableTo(labeler)) {
                    o.issuedTo.add(labeler);
                    metrics.taskIssued();
                    return Uni.createFrom().item(Optional.of(o.task));
                }
            }
            prompt = prompts.poll();
            if (prompt == null) {
                return Uni.createFrom().item(Optional.empty());
            }
            k = config.minAnswers() + random.nextInt(config.maxAnswers() - config.minAnswers() + 1);
            taskId = "task-" + Long.toString(System.currentTimeMillis(), 36) + "-" + (++nextTask);
        }
        Prompt asked = Prompt.newBuilder().setText(prompt.text()).build();
        String digest = AnswerReferences.digest(asked);
        return answers(asked, k, prompt.models()).map(response -> {
            List<ChatShapes.ServedAnswer> answers = new ArrayList<>();
            for (int i = 0; i < response.size(); i++) {
                Completion c = response.get(i).getValue();
                answers.add(ServedAnswers.served(references, new AnswerReferences.Served(taskId, prompt.userId(),
                        i, response.get(i).getKey(), digest, c.getText()), c.getFinishReason().name()));
            }
            boolean twice;
            synchronized (this) {
                twice = random.nextDouble() < config.doubleLabeledShare();
            }
            ChatShapes.Task task = new ChatShapes.Task(taskId, prompt.userId(), prompt.text(), answers, twice);
            Open o = new Open(task, twice ? 2 : 1);
            o.issuedTo.add(labeler);
            synchronized (this) {
                open.put(taskId, o);
                if (open.size() > config.maxQueued()) { // bounded: the oldest open task is forgotten
                    open.remove(open.keySet().iterator().next());
                }
            }
            metrics.taskIssued();
            return Optional.of(task);
        }).onFailure().invoke(f -> {
            synchronized (this) {
                prompts.addFirst(prompt); // the policy did not answer: the prompt waits for the next try
            }
        });
    }

    /**
     * K answers with the model of each: all from the served policy, or split as evenly as K allows across the named
     * models (one Generate per model) and shuffled, so no position gives a model away.
     */
    private Uni<List<Map.Entry<ModelRef, Completion>>> answers(Prompt asked, int k, List<ChatShapes.Model> models) {
        if (models.isEmpty()) {
            return policy.answers(asked, k, null).map(r -> r.getCompletionsList().stream()
                    .map(c -> Map.entry(r.getModel(), c)).toList());
        }
        List<Uni<List<Map.Entry<ModelRef, Completion>>>> calls = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            int n = k / models.size() + (m < k % models.size() ? 1 : 0);
            if (n == 0) {
                continue;
            }
            ModelRef ref = ModelRef.newBuilder().setKind(models.get(m).kind().equals("sft")
                    ? rlhf.common.v1.ModelKind.MODEL_KIND_SFT : rlhf.common.v1.ModelKind.MODEL_KIND_POLICY)
                    .setVersion(models.get(m).version()).build();
            calls.add(policy.answers(asked, n, null, ref).map(r -> r.getCompletionsList().stream()
                    .map(c -> Map.entry(r.getModel(), c)).toList()));
        }
        long seed;
        synchronized (this) {
            seed = random.nextLong();
        }
        return Uni.join().all(calls).andFailFast().map(parts -> {
            List<Map.Entry<ModelRef, Completion>> all = new ArrayList<>();
            parts.forEach(all::addAll);
            java.util.Collections.shuffle(all, new java.util.Random(seed));
            return all;
        });
    }

    /** This labeler passes on a task; it goes to another labeler. */
    public synchronized void skip(Caller caller, String taskId) {
        caller.checkRole(GatewayConfig.Role.LABELER, "labeling");
        ComparisonRules.checkId(taskId, "taskId");
        String labeler = caller.labelerId().orElse(caller.keyName());
        Open o = open.get(taskId);
        if (o != null && o.issuedTo.contains(labeler) && !o.rankedBy.contains(labeler)) {
            o.skippedBy.add(labeler);
        }
    }

    /**
     * A labeler's ranking of a task's answers, as a comparison (source {@code labeling-page}, id
     * {@code <taskId>:<labeler>}, so two labelers of one task give two comparisons and a resubmission is a duplicate).
     */
    public CompletableFuture<Ingest.Result> rank(Caller caller, String taskId, ChatShapes.Ranking r) {
        caller.checkRole(GatewayConfig.Role.LABELER, "labeling");
        ComparisonRules.checkId(taskId, "taskId");
        if (r == null) {
            throw new InvalidInputException("body", "required: {userId, prompt, answers, tiers}");
        }
        String labeler = caller.labelerId().orElse(caller.keyName());
        if (r.labelerId() != null && !r.labelerId().isEmpty()) {
            caller.checkMaySubmitAs(r.labelerId());
            labeler = r.labelerId();
        }
        ComparisonRules.checkId(r.userId(), "userId");
        Prompt prompt = ServedAnswers.text(r.prompt(), "prompt", rules);
        int k = r.answers() == null ? 0 : r.answers().size();
        if (k < 2 || k > config.maxAnswers()) {
            throw new InvalidInputException("answers", k + " answers; a task has " + config.minAnswers() + ".."
                    + config.maxAnswers());
        }
        List<Answer> answers = ServedAnswers.verified(r.answers(), k, taskId, r.userId(), AnswerReferences.digest(prompt),
                r.likert(), r.labels(), references);
        Comparison.Builder c = Comparison.newBuilder().setComparisonId(taskId + ":" + labeler).setUserId(r.userId())
                .setPrompt(prompt).addAllAnswers(answers).setLabelerId(labeler)
                .setSource("labeling-page");
        String judgement = r.judgement() == null || r.judgement().isEmpty() ? "ranked" : r.judgement();
        switch (judgement) {
            case "ranked" -> {
                if (r.tiers() == null) {
                    throw new InvalidInputException("tiers", "required: answer indexes per tier, best first");
                }
                for (List<Integer> tier : r.tiers()) {
                    RankTier.Builder t = RankTier.newBuilder();
                    if (tier != null) {
                        tier.forEach(i -> t.addAnswerIndexes(i == null ? -1 : i));
                    }
                    c.addRanking(t);
                }
            }
            case "all_bad" -> {
                RankTier.Builder all = RankTier.newBuilder();
                for (int i = 0; i < k; i++) {
                    all.addAnswerIndexes(i);
                }
                c.addRanking(all).setJudgement(Judgement.JUDGEMENT_ALL_BAD);
            }
            default -> throw new InvalidInputException("judgement", "'" + judgement + "' is not ranked or all_bad");
        }
        String rankedBy = labeler;
        return ingest.submit(c.build(), caller).thenApply(result -> {
            ranked(taskId, rankedBy);
            return result;
        });
    }

    private synchronized void ranked(String taskId, String labeler) {
        Open o = open.get(taskId);
        if (o == null) {
            return;
        }
        o.rankedBy.add(labeler);
        if (o.rankedBy.size() >= o.needed) {
            open.remove(taskId);
        }
    }

    /** Prompts waiting plus open tasks that still need a labeler. */
    public synchronized int waiting() {
        return prompts.size() + (int) open.values().stream().filter(Open::needsLabeler).count();
    }
}
