package rlhf.gateway.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.smallrye.mutiny.Multi;
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
import rlhf.gateway.service.ApiKeys;
import rlhf.gateway.service.Caller;
import rlhf.gateway.service.ComparisonRules;
import rlhf.gateway.service.Ingest;
import rlhf.gateway.service.RateLimits;
import rlhf.policy.v1.Completion;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.service.InvalidInputException;

/**
 * The chat API's work: a conversation in, the policy's answer(s) out (whole or token by token), each with a signed
 * reference; and a user's preference between two served answers in, as a {@link Comparison} of source {@code chat}
 * through the same ingest as every other comparison.
 */
@ApplicationScoped
public class Chats {

    /** A checked chat request. */
    public record Asked(String conversationId, String userId, Prompt prompt, int n, Long seed) {
    }

    private final PolicyAnswers policy;
    private final AnswerReferences references;
    private final Ingest ingest;
    private final ApiKeys keys;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final ComparisonRules rules;
    private final RateLimits perKey = new RateLimits();
    private final RateLimits perUser = new RateLimits();

    public Chats(PolicyAnswers policy, AnswerReferences references, Ingest ingest, ApiKeys keys, GatewayConfig config,
            GatewayMetrics metrics) {
        this.policy = policy;
        this.references = references;
        this.ingest = ingest;
        this.keys = keys;
        this.config = config;
        this.metrics = metrics;
        this.rules = new ComparisonRules(config.maxTextChars(), config.maxAnswers());
    }

    /**
     * @throws InvalidInputException naming the first bad field; {@code ForbiddenException} for a key that is not a
     *                               frontend's; {@code RateLimitedException} over the key's or the user's rate
     */
    public Asked check(Caller caller, ChatShapes.ChatRequest r) {
        caller.checkRole(GatewayConfig.Role.FRONTEND, "chat");
        if (r == null) {
            throw new InvalidInputException("body", "required: {conversationId, userId, messages, n}");
        }
        ComparisonRules.checkId(r.conversationId(), "conversationId");
        ComparisonRules.checkId(r.userId(), "userId");
        int n = r.n() == null ? 1 : r.n();
        if (n != 1 && n != 2) {
            throw new InvalidInputException("n", n + ": 1 answer, or 2 to compare");
        }
        if (r.messages() != null && r.messages().size() > config.chat().maxTurns()) {
            throw new InvalidInputException("messages", r.messages().size() + " turns > max " + config.chat().maxTurns());
        }
        Prompt prompt = ServedAnswers.conversation(r.messages(), "messages", rules);
        perKey.take(caller.keyName(), keys.perSecond(caller.keyName()), "authorization");
        perUser.take(r.userId(), config.perUserPerSecond(), "userId");
        return new Asked(r.conversationId(), r.userId(), prompt, n, r.seed());
    }

    /** The whole answers. */
    public Uni<ChatShapes.ChatReply> answer(Asked a) {
        long start = System.nanoTime();
        return policy.answers(a.prompt(), a.n(), a.seed()).map(response -> {
            String digest = AnswerReferences.digest(a.prompt());
            List<ChatShapes.ServedAnswer> answers = new ArrayList<>();
            for (Completion c : response.getCompletionsList()) {
                answers.add(served(a, digest, c.getIndex(), c.getText(), response.getModel(),
                        c.getFinishReason().name()));
            }
            metrics.chatAnswered(System.nanoTime() - start);
            return new ChatShapes.ChatReply(a.conversationId(), answers);
        });
    }

    /** The answers token by token: {@code token} events, then one {@code answer} event per finished answer, {@code done}. */
    public Multi<ChatShapes.ChatEvent> stream(Asked a) {
        String digest = AnswerReferences.digest(a.prompt());
        Map<Integer, StringBuilder> texts = new HashMap<>();
        long start = System.nanoTime();
        boolean[] first = {true};
        return policy.stream(a.prompt(), a.n(), a.seed()).onItem().transformToIterable(chunk -> {
            List<ChatShapes.ChatEvent> events = new ArrayList<>(2);
            if (first[0]) {
                first[0] = false;
                metrics.chatFirstToken(System.nanoTime() - start);
            }
            StringBuilder text = texts.computeIfAbsent(chunk.getIndex(), i -> new StringBuilder());
            if (chunk.getTokenId() >= 0) { // every sampled token, even one whose bytes do not yet end a character
                text.append(chunk.getTextDelta());
                events.add(ChatShapes.ChatEvent.token(chunk.getIndex(), chunk.getTextDelta()));
            }
            if (chunk.getFinished()) {
                events.add(ChatShapes.ChatEvent.answer(served(a, digest, chunk.getIndex(), text.toString(),
                        chunk.getModel(), chunk.getFinishReason().name())));
            }
            return events;
        }).onCompletion().continueWith(() -> {
            metrics.chatAnswered(System.nanoTime() - start);
            return List.of(ChatShapes.ChatEvent.done());
        });
    }

    private ChatShapes.ServedAnswer served(Asked a, String digest, int index, String text, ModelRef model,
            String finishReason) {
        return ServedAnswers.served(references, new AnswerReferences.Served(a.conversationId(), a.userId(), index,
                model, digest, text), finishReason);
    }

    /**
     * A user's choice between the two answers served for one request, as a comparison (source {@code chat}, id from
     * the conversation and prompt, so a resubmission is a duplicate and a changed choice a conflict).
     */
    public CompletableFuture<Ingest.Result> feedback(Caller caller, ChatShapes.ChatFeedback f) {
        caller.checkRole(GatewayConfig.Role.FRONTEND, "chat feedback");
        if (f == null) {
            throw new InvalidInputException("body", "required: {conversationId, userId, messages, answers, choice}");
        }
        ComparisonRules.checkId(f.conversationId(), "conversationId");
        ComparisonRules.checkId(f.userId(), "userId");
        Prompt prompt = ServedAnswers.conversation(f.messages(), "messages", rules);
        String digest = AnswerReferences.digest(prompt);
        List<Answer> answers = ServedAnswers.verified(f.answers(), 2, f.conversationId(), f.userId(), digest,
                f.likert(), f.labels(), references);
        Comparison.Builder c = Comparison.newBuilder()
                .setComparisonId("chat-" + AnswerReferences.digest(f.conversationId() + "\n" + digest).substring(0, 40))
                .setUserId(f.userId()).setPrompt(prompt).addAllAnswers(answers).setSource("chat");
        String choice = f.choice() == null ? "" : f.choice();
        switch (choice) {
            case "a" -> c.addRanking(tier(0)).addRanking(tier(1));
            case "b" -> c.addRanking(tier(1)).addRanking(tier(0));
            case "tie" -> c.addRanking(tier(0, 1)).setJudgement(Judgement.JUDGEMENT_TIE);
            case "both_bad" -> c.addRanking(tier(0, 1)).setJudgement(Judgement.JUDGEMENT_ALL_BAD);
            default -> throw new InvalidInputException("choice", "'" + choice + "' is not a, b, tie or both_bad");
        }
        return ingest.submit(c.build(), caller);
    }

    static RankTier tier(int... indexes) {
        RankTier.Builder t = RankTier.newBuilder();
        for (int i : indexes) {
            t.addAnswerIndexes(i);
        }
        return t.build();
    }
}
