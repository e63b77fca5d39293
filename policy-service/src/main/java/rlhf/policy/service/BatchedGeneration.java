package rlhf.policy.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.jboss.logging.Logger;

import io.grpc.Status;
import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.generate.TokenListener;

/**
 * The batch function of one model version: turns the jobs a batch worker collected into as few engine calls as
 * their parameters allow. Each job's prompt is repeated n times with one sample per prompt, so sequence q of a call
 * is one sample of one job; unseeded jobs with equal parameters share a call (one prefill, one decode loop), a seeded
 * job gets its own call so its samples are the same as when it runs alone.
 *
 * <p>Runs only on the version's batch worker: {@link GenerationEngine} is not documented as safe for concurrent
 * calls on one model, and the single worker serializes them.
 */
final class BatchedGeneration {

    private static final Logger LOG = Logger.getLogger(BatchedGeneration.class);

    /** What one job got: its samples in index order, or the failure to report to its caller. */
    record Outcome(List<Generation> samples, RuntimeException failure) {
        List<Generation> get() {
            if (failure != null) {
                throw failure;
            }
            return samples;
        }
    }

    /** Thrown from the token listener to stop an engine call whose callers have all given up. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("every caller of this engine call gave up", null, false, false);
        }
    }

    private final GenerationEngine engine;
    private final GenerationObserver observer;
    private final SplittableRandom seeds = new SplittableRandom();

    BatchedGeneration(GenerationEngine engine, GenerationObserver observer) {
        this.engine = engine;
        this.observer = observer;
    }

    List<Outcome> run(List<GenerationJob> jobs) {
        Outcome[] outcomes = new Outcome[jobs.size()];
        Map<Object, List<Integer>> calls = new LinkedHashMap<>();
        for (int j = 0; j < jobs.size(); j++) {
            calls.computeIfAbsent(jobs.get(j).batchKey(), k -> new ArrayList<>()).add(j);
        }
        for (List<Integer> call : calls.values()) {
            List<GenerationJob> members = call.stream().map(jobs::get).toList();
            List<Outcome> results = runCall(members);
            for (int i = 0; i < call.size(); i++) {
                outcomes[call.get(i)] = results.get(i);
            }
        }
        return Arrays.asList(outcomes);
    }

    /** One engine call for jobs of equal parameters. */
    private List<Outcome> runCall(List<GenerationJob> jobs) {
        int sequences = jobs.stream().mapToInt(GenerationJob::samples).sum();
        int[] jobOf = new int[sequences];
        int[] sampleOf = new int[sequences];
        List<int[]> prompts = new ArrayList<>(sequences);
        for (int j = 0, q = 0; j < jobs.size(); j++) {
            for (int s = 0; s < jobs.get(j).samples(); s++, q++) {
                jobOf[q] = j;
                sampleOf[q] = s;
                prompts.add(jobs.get(j).promptIds);
            }
        }
        SamplingParams first = jobs.get(0).params;
        long seed = jobs.get(0).seeded ? first.seed() : seeds.nextLong();
        SamplingParams params = new SamplingParams(first.maxNewTokens(), first.temperature(), first.topK(),
                first.topP(), seed, 1, first.stopSequences(), first.stopAtEndOfText());
        long start = System.nanoTime();
        try {
            List<Generation> generated = engine.generate(prompts, params, new Router(jobs, jobOf, sampleOf));
            int tokens = generated.stream().mapToInt(g -> g.tokens().length).sum();
            observer.engineCall(sequences, tokens, System.nanoTime() - start);
            return split(jobs, generated);
        } catch (Abandoned e) { // counted where each caller gave up (PolicyModel)
            return failAll(jobs, Status.CANCELLED.withDescription("the caller gave up").asRuntimeException());
        } catch (RuntimeException e) {
            LOG.errorf(e, "generation of %d sequences failed: %s", sequences, e.getMessage());
            return failAll(jobs, Status.INTERNAL.withDescription("generation failed: " + e.getMessage())
                    .asRuntimeException());
        }
    }

    private static List<Outcome> split(List<GenerationJob> jobs, List<Generation> generated) {
        List<Outcome> out = new ArrayList<>(jobs.size());
        int q = 0;
        for (GenerationJob job : jobs) {
            List<Generation> samples = new ArrayList<>(job.samples());
            for (int s = 0; s < job.samples(); s++, q++) {
                Generation g = generated.get(q);
                samples.add(new Generation(0, s, g.tokens(), g.logProbs(), g.samplingLogProbs(), g.finishReason()));
            }
            out.add(new Outcome(samples, null));
        }
        return out;
    }

    private static List<Outcome> failAll(List<GenerationJob> jobs, RuntimeException failure) {
        return jobs.stream().map(j -> new Outcome(null, failure)).toList();
    }

    /** Routes each sampled token to its job's listener, and stops the call once no caller is left. */
    private static final class Router implements TokenListener {
        private final List<GenerationJob> jobs;
        private final int[] jobOf;
        private final int[] sampleOf;

        Router(List<GenerationJob> jobs, int[] jobOf, int[] sampleOf) {
            this.jobs = jobs;
            this.jobOf = jobOf;
            this.sampleOf = sampleOf;
        }

        @Override
        public void onToken(int sequence, int token, float logProb) {
            if (allAbandoned()) {
                throw new Abandoned();
            }
            GenerationJob job = jobs.get(jobOf[sequence]);
            if (!job.abandoned()) {
                try {
                    job.listener.onToken(sampleOf[sequence], token, logProb);
                } catch (RuntimeException e) { // one caller's broken stream must not stop the others' samples
                    LOG.warnf("a token listener failed; its caller no longer gets tokens: %s", e.toString());
                    job.abandon();
                }
            }
        }

        @Override
        public void onFinish(int sequence, Generation g) {
            GenerationJob job = jobs.get(jobOf[sequence]);
            if (!job.abandoned()) {
                try {
                    job.listener.onFinish(new Generation(0, sampleOf[sequence], g.tokens(), g.logProbs(),
                            g.samplingLogProbs(), g.finishReason()));
                } catch (RuntimeException e) {
                    LOG.warnf("a token listener failed; its caller no longer gets tokens: %s", e.toString());
                    job.abandon();
                }
            }
        }

        private boolean allAbandoned() {
            for (GenerationJob job : jobs) {
                if (!job.abandoned()) {
                    return false;
                }
            }
            return true;
        }
    }
}
