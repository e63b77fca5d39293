package rlhf.demo.soak;

import java.time.Duration;
import java.util.Map;

/**
 * What a soak runs and what it accepts.
 *
 * @param load          the whole time of mixed load, the warm-up included (pauses to sample memory are not counted)
 * @param warmup        its first part: JIT, first loads and at least one PPO iteration; memory is sampled after it
 * @param clients       closed-loop clients per request kind (chat, comparison, generate, score)
 * @param ppoIterations iterations of each PPO job; a job that ends is started again
 * @param maxRssGrowth  the most each service's resident set may grow from the first sample to the last, as a share
 *                      of the first (0.25: 25%)
 * @param arraySlack    the most each service's live NDArrays may grow from the first sample to the last
 * @param seed          seed of the tiny task world and models made when the work folder holds none
 */
public record SoakSettings(Duration load, Duration warmup, int clients, int ppoIterations, double maxRssGrowth,
        int arraySlack, long seed) {

    /** Default bound on RSS growth, start to end (see BENCHMARKS.md, Soak, for why so wide). */
    public static final double MAX_RSS_GROWTH = 0.25;
    /** Default bound on the growth of live NDArrays: none. Both samples are taken with the same models loaded. */
    public static final int ARRAY_SLACK = 0;
    public static final int CLIENTS = 2;
    public static final int PPO_ITERATIONS = 20;
    private static final int PPO_PROMPTS_PER_ITERATION = 4;
    private static final int PPO_SAMPLES_PER_PROMPT = 2;

    public SoakSettings {
        if (load.compareTo(Duration.ofSeconds(20)) < 0) {
            throw new IllegalArgumentException("load: " + load.toSeconds() + " s < 20 s");
        }
        if (warmup.isNegative() || warmup.compareTo(load) >= 0) {
            throw new IllegalArgumentException("warmup: " + warmup.toSeconds() + " s must be in [0, load)");
        }
        if (clients < 1 || clients > 64) {
            throw new IllegalArgumentException("clients: " + clients + " not in 1..64");
        }
        if (ppoIterations < 1) {
            throw new IllegalArgumentException("ppoIterations: " + ppoIterations + " < 1");
        }
        if (!(maxRssGrowth >= 0) || arraySlack < 0) {
            throw new IllegalArgumentException("maxRssGrowth and arraySlack must be >= 0");
        }
    }

    /** A soak of {@code load} with every other setting at its default. */
    public static SoakSettings of(Duration load) {
        return new SoakSettings(load, defaultWarmup(load), CLIENTS, PPO_ITERATIONS, MAX_RSS_GROWTH, ARRAY_SLACK, 1);
    }

    /** A tenth of the load, at least 30 s, at most half of it. */
    public static Duration defaultWarmup(Duration load) {
        Duration tenth = load.dividedBy(10);
        Duration atLeast = tenth.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : tenth;
        return atLeast.compareTo(load.dividedBy(2)) > 0 ? load.dividedBy(2) : atLeast;
    }

    public SoakSettings withWarmup(Duration value) {
        return new SoakSettings(load, value, clients, ppoIterations, maxRssGrowth, arraySlack, seed);
    }

    public SoakSettings withClients(int value) {
        return new SoakSettings(load, warmup, value, ppoIterations, maxRssGrowth, arraySlack, seed);
    }

    public SoakSettings withPpoIterations(int value) {
        return new SoakSettings(load, warmup, clients, value, maxRssGrowth, arraySlack, seed);
    }

    public SoakSettings withMaxRssGrowth(double value) {
        return new SoakSettings(load, warmup, clients, ppoIterations, value, arraySlack, seed);
    }

    public SoakSettings withArraySlack(int value) {
        return new SoakSettings(load, warmup, clients, ppoIterations, maxRssGrowth, value, seed);
    }

    public SoakSettings withSeed(long value) {
        return new SoakSettings(load, warmup, clients, ppoIterations, maxRssGrowth, arraySlack, value);
    }

    /** The PPO job's parameters: small iterations, so many are published during a short soak. */
    Map<String, String> ppoParameters() {
        return Map.of("iterations", Integer.toString(ppoIterations),
                "prompts-per-iteration", Integer.toString(PPO_PROMPTS_PER_ITERATION),
                "samples-per-prompt", Integer.toString(PPO_SAMPLES_PER_PROMPT), "max-new-tokens", "16", "epochs", "1",
                "minibatch-size", "4", "rollout-timeout-seconds", "120");
    }

    /** Rollouts each PPO iteration learns from. */
    int rolloutsPerIteration() {
        return PPO_PROMPTS_PER_ITERATION * PPO_SAMPLES_PER_PROMPT;
    }
}
