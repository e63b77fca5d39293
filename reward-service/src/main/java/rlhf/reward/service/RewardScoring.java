package rlhf.reward.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.model.score.Scorer;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.reward.config.RewardServiceConfig;
import rlhf.reward.metrics.RewardMetrics;
import rlhf.service.InvalidInputException;
import rlhf.service.VersionedModels;

/**
 * Scores the pairs of one call: leases one reward model version for the whole call, turns every pair into token ids
 * the way training does ({@link PromptResponse}), checks them against the model (vocabulary, length), and queues
 * them on that version's coalescer, where they share forward passes with concurrent calls. The lease ends when the
 * last pair is done, so a version swapped out meanwhile stays loaded until then.
 */
@ApplicationScoped
public class RewardScoring {

    private final RewardModels models;
    private final RewardServiceConfig config;
    private final RewardMetrics metrics;
    private final Executor worker = Infrastructure.getDefaultWorkerPool();

    public RewardScoring(RewardModels models, RewardServiceConfig config, RewardMetrics metrics) {
        this.models = models;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Rewards of every pair, from one version. Fails with {@link InvalidInputException} for pairs the model cannot
     * score, with a {@link CancellationException} when the caller gives up before its pairs are scored, and with the
     * gRPC status of {@link VersionedModels#acquire} or of a full queue otherwise.
     */
    public CompletableFuture<ScoredBatch> score(ScoringRequest request, CallLifetime call) {
        if (call.givenUp()) {
            metrics.abandoned(request.items().size());
            return CompletableFuture.failedFuture(gaveUp());
        }
        // Off the event loop: acquiring may load a version from disk, and tokenizing a large batch takes a while.
        return CompletableFuture.supplyAsync(() -> models.acquire(request.rewardVersion()), worker)
                .thenCompose(lease -> scoreOn(lease, request.items(), call));
    }

    private CompletableFuture<ScoredBatch> scoreOn(VersionedModels<RewardModel>.Lease lease, List<ScoreInput> items,
            CallLifetime call) {
        List<CompletableFuture<Float>> parts;
        try {
            RewardModel model = lease.model();
            List<Scorer.Example> examples = new ArrayList<>(items.size());
            for (ScoreInput item : items) {
                examples.add(encode(model, item));
            }
            if (call.givenUp()) {
                metrics.abandoned(examples.size());
                throw gaveUp();
            }
            parts = model.submitAll(examples);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        call.onGiveUp(() -> withdraw(parts));
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> lease.close())
                .thenApply(done -> new ScoredBatch(lease.version(), rewards(parts)));
    }

    /** Cancels the pairs not scored yet; the coalescer drops cancelled pairs before their forward pass. */
    private void withdraw(List<CompletableFuture<Float>> parts) {
        int withdrawn = 0;
        for (CompletableFuture<Float> p : parts) {
            if (p.cancel(false)) {
                withdrawn++;
            }
        }
        if (withdrawn > 0) {
            metrics.abandoned(withdrawn);
        }
    }

    /** Prompt and response ids of one pair, checked against the model that will score them. */
    Scorer.Example encode(RewardModel model, ScoreInput item) {
        TextTokenizer tokenizer = model.tokenizer();
        int[] prompt;
        int[] response;
        if (item instanceof ScoreInput.Text text) {
            prompt = text.prompt() instanceof ScoreInput.Chat chat
                    ? PromptResponse.promptIds(tokenizer, chat.messages())
                    : PromptResponse.promptIds(tokenizer, ((ScoreInput.UserText) text.prompt()).text());
            response = PromptResponse.responseIds(tokenizer, text.answer());
        } else {
            ScoreInput.Tokens tokens = (ScoreInput.Tokens) item;
            int vocab = model.config().vocabSize();
            checkVocabulary(tokens.field() + ".tokens.prompt_token_ids", tokens.promptIds(), vocab, model.version());
            checkVocabulary(tokens.field() + ".tokens.answer_token_ids", tokens.answerIds(), vocab, model.version());
            prompt = tokens.promptIds();
            response = tokens.answerIds();
        }
        checkLength(item.field(), prompt.length + response.length, model);
        return new Scorer.Example(prompt, response);
    }

    private static void checkVocabulary(String field, int[] ids, int vocab, long version) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new InvalidInputException(field + "[" + i + "]",
                        "token id " + ids[i] + " is outside the vocabulary [0, " + vocab + ") of reward v" + version);
            }
        }
    }

    private void checkLength(String field, int tokens, RewardModel model) {
        if (tokens > config.maxTokensPerItem()) {
            throw new InvalidInputException(field, tokens + " tokens > max " + config.maxTokensPerItem()
                    + " (rlhf.reward.max-tokens-per-item; prompt + answer)");
        }
        int context = model.config().contextLength();
        if (tokens > context) {
            throw new InvalidInputException(field, tokens + " tokens > the context length " + context + " of reward v"
                    + model.version() + " (prompt + answer)");
        }
    }

    private static float[] rewards(List<CompletableFuture<Float>> parts) {
        float[] out = new float[parts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = parts.get(i).join();
        }
        return out;
    }

    private static CancellationException gaveUp() {
        return new CancellationException("the caller gave up (deadline passed or call cancelled) before scoring");
    }
}
