package rlhf.policy.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import rlhf.model.generate.Generation;
import rlhf.model.generate.SamplingParams;
import rlhf.model.tokenizer.TextTokenizer;

/**
 * Samples answers for one request from a leased model version: renders the prompt with that version's tokenizer,
 * checks it against the version's context, queues the request on the version's batch worker and turns the samples
 * into completions (text, finish reason). The lease is held until the samples are back, so a hot swap never
 * frees weights under a running request.
 *
 * <p>Cancelling the returned future tells the batch worker that the caller gave up: a queued request is dropped,
 * an engine call whose callers have all given up stops at the next token.
 */
public final class PolicyGenerator {

    private final PolicyModels models;
    private final SamplingLimits limits;
    private final RequestBounds bounds;

    public PolicyGenerator(PolicyModels models, SamplingLimits limits, RequestBounds bounds) {
        this.models = models;
        this.limits = limits;
        this.bounds = bounds;
    }

    public SamplingLimits limits() {
        return limits;
    }

    /** Samples {@code request.sampling().n()} answers (at least {@code minSamples}); {@code sink} sees each token. */
    public CompletableFuture<Generated> generate(GenerationRequest request, int minSamples, TokenSink sink) {
        bounds.check(request); // before tokenizing: an oversized request costs nothing
        SamplingRequest sampling = request.sampling();
        limits.checkSamples(sampling.n(), minSamples);
        if (sampling.maxNewTokens() > 0) {
            limits.checkMaxNewTokens(sampling.maxNewTokens());
        }
        PolicyModels.Lease lease = models.acquire(request.model());
        try {
            PolicyModel model = lease.model();
            TextTokenizer tokenizer = model.tokenizer();
            int[] promptIds = request.prompt().render(tokenizer);
            SamplingLimits.Budget budget = limits.budget(sampling.maxNewTokens(), promptIds.length, model.contextLength());
            SamplingParams params = new SamplingParams(budget.maxNewTokens(), sampling.temperature(), sampling.topK(),
                    sampling.topP(), sampling.seed().orElse(0L), sampling.n(), stopIds(tokenizer, sampling.stop()), true);
            Samples samples = new Samples(new AnswerText(tokenizer, sampling.stop()), budget, sink, sampling.n());
            sink.onModel(model.id());
            long start = System.nanoTime();
            CompletableFuture<List<Generation>> submitted = model.submit(
                    new GenerationJob(promptIds, params, sampling.seed().isPresent(), samples));
            CompletableFuture<Generated> result = Futures.map(submitted, generations -> new Generated(model.id(),
                    promptIds, samples.completions(generations), System.nanoTime() - start));
            submitted.whenComplete((r, e) -> lease.close()); // after the batch worker is done with the weights
            return result;
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** Stop strings as token sequences, so the engine ends a sample there; the text check catches other spellings. */
    private static List<int[]> stopIds(TextTokenizer tokenizer, List<String> stop) {
        List<int[]> ids = new ArrayList<>(stop.size());
        for (String s : stop) {
            int[] encoded = tokenizer.encode(s);
            if (encoded.length > 0) {
                ids.add(encoded);
            }
        }
        return ids;
    }

    /** Per-request sample state: completions, and the streamed text of each sample so far. */
    private static final class Samples implements GenerationJob.Listener {
        private final AnswerText text;
        private final SamplingLimits.Budget budget;
        private final TokenSink sink;
        private final List<List<Integer>> tokens = new ArrayList<>();
        private final int[] streamed;

        Samples(AnswerText text, SamplingLimits.Budget budget, TokenSink sink, int n) {
            this.text = text;
            this.budget = budget;
            this.sink = sink;
            this.streamed = new int[n];
            for (int i = 0; i < n; i++) {
                tokens.add(new ArrayList<>());
            }
        }

        @Override
        public void onToken(int sampleIndex, int tokenId, float logProb) {
            if (sink == TokenSink.NONE) {
                return;
            }
            List<Integer> sample = tokens.get(sampleIndex);
            sample.add(tokenId);
            String stable = text.stableText(sample.stream().mapToInt(Integer::intValue).toArray());
            sink.onToken(sampleIndex, tokenId, delta(sampleIndex, stable), logProb);
        }

        @Override
        public void onFinish(Generation generation) {
            if (sink == TokenSink.NONE) {
                return;
            }
            Completion completion = completion(generation);
            sink.onFinish(completion, delta(generation.sampleIndex(), completion.text()));
        }

        private String delta(int sampleIndex, String textSoFar) {
            int from = Math.min(streamed[sampleIndex], textSoFar.length());
            streamed[sampleIndex] = Math.max(streamed[sampleIndex], textSoFar.length());
            return textSoFar.substring(from);
        }

        List<Completion> completions(List<Generation> generations) {
            return generations.stream().map(this::completion).toList();
        }

        private Completion completion(Generation g) {
            AnswerText.Cut cut = text.finalText(g.tokens());
            return new Completion(g.sampleIndex(), g.tokens(), cut.text(), g.logProbs(), g.samplingLogProbs(),
                    finish(g, cut));
        }

        private Finish finish(Generation g, AnswerText.Cut cut) {
            if (cut.stopped()) {
                return Finish.STOP_SEQUENCE;
            }
            return switch (g.finishReason()) {
                case END_OF_TEXT -> Finish.END_OF_TEXT;
                case STOP_SEQUENCE -> Finish.STOP_SEQUENCE;
                case LENGTH -> budget.clippedByContext() ? Finish.CONTEXT_FULL : Finish.LENGTH;
            };
        }
    }
}
