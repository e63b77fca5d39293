package rlhf.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] P = {0.1f, 0.4f, 0.2f, 0.3f};

    @Test
    void topKKeepsTheKMostProbableRenormalised() {
        Sampler.Distribution d = Sampler.truncate(P, 0, 4, 2, 1f);
        assertThat(d.ids()).containsExactly(1, 3);
        assertThat(d.probs()).containsExactly(new double[] {0.4 / 0.7, 0.3 / 0.7}, within(1e-6));
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        assertThat(Sampler.truncate(P, 0, 4, 0, 0.39f).ids()).containsExactly(1);
        assertThat(Sampler.truncate(P, 0, 4, 0, 0.6f).ids()).containsExactly(1, 3);
        Sampler.Distribution d = Sampler.truncate(P, 0, 4, 0, 0.75f);
        assertThat(d.ids()).containsExactly(1, 3, 2);
        assertThat(d.probs()).containsExactly(new double[] {0.4 / 0.9, 0.3 / 0.9, 0.2 / 0.9}, within(1e-6));
    }

    @Test
    void topPAppliesToTheTopKRenormalisedDistribution() {
        // top-3 renormalises to 0.444, 0.333, 0.222: 0.444 + 0.333 = 0.778 >= 0.75, so two tokens stay,
        // whereas top-p alone on the raw row needs three (0.4 + 0.3 = 0.7 < 0.75).
        assertThat(Sampler.truncate(P, 0, 4, 3, 0.75f).ids()).containsExactly(1, 3);
    }

    @Test
    void truncationReadsTheRowAtItsOffsetAndBreaksTiesTowardsTheLowerId() {
        float[] rows = {0.9f, 0.1f, 0f, 0.25f, 0.25f, 0.5f};
        assertThat(Sampler.truncate(rows, 3, 3, 2, 1f).ids()).containsExactly(2, 0);
    }

    @Test
    void thresholdSearchMatchesAFullSortOnALargeVocabulary() {
        Random random = new Random(3);
        int v = 5000;
        float[] p = new float[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = (float) Math.exp(random.nextGaussian() * 3);
            sum += p[i];
        }
        for (int i = 0; i < v; i++) {
            p[i] /= (float) sum;
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b));
        for (float topP : new float[] {0.3f, 0.9f, 0.99f}) {
            double cumulative = 0;
            int keep = 0;
            while (cumulative < topP) {
                cumulative += p[order[keep++]];
            }
            int[] expected = Arrays.stream(order, 0, keep).mapToInt(Integer::intValue).toArray();
            assertThat(Sampler.truncate(p, 0, v, 0, topP).ids()).as("top-p %s", topP).containsExactly(expected);
        }
        int[] top50 = Arrays.stream(order, 0, 50).mapToInt(Integer::intValue).toArray();
        assertThat(Sampler.truncate(p, 0, v, 50, 1f).ids()).containsExactly(top50);
    }

    @Test
    void samplingMatchesTheTargetDistributionByChiSquare() {
        float[] p = {0.5f, 0.25f, 0.15f, 0.1f, 0f};
        int draws = 100_000;
        long[] counts = new long[p.length];
        SplittableRandom random = Sampler.random(42, 0);
        double[] logq = new double[1];
        for (int i = 0; i < draws; i++) {
            counts[Sampler.sampleFull(p, 0, p.length, random, logq)]++;
        }
        assertThat(counts[4]).as("a zero-probability token is never drawn").isZero();
        // 3 degrees of freedom: P(chi2 > 16.27) = 0.001
        assertThat(chiSquare(counts, new double[] {0.5, 0.25, 0.15, 0.1}, draws)).isLessThan(16.27);

        Sampler.Distribution d = Sampler.truncate(p, 0, p.length, 0, 0.8f); // keeps 0.5, 0.25, 0.15 → /0.9
        long[] truncated = new long[d.ids().length];
        for (int i = 0; i < draws; i++) {
            truncated[Sampler.sample(d, random)]++;
        }
        // 2 degrees of freedom: P(chi2 > 13.82) = 0.001
        assertThat(chiSquare(truncated, d.probs(), draws)).isLessThan(13.82);
    }

    @Test
    void aBiasedSamplerFailsTheSameChiSquare() {
        // Guards the test above against being vacuous: draws from a slightly wrong distribution are rejected.
        float[] wrong = {0.52f, 0.23f, 0.15f, 0.1f};
        long[] counts = new long[4];
        SplittableRandom random = Sampler.random(42, 0);
        double[] logq = new double[1];
        for (int i = 0; i < 100_000; i++) {
            counts[Sampler.sampleFull(wrong, 0, 4, random, logq)]++;
        }
        assertThat(chiSquare(counts, new double[] {0.5, 0.25, 0.15, 0.1}, 100_000)).isGreaterThan(16.27);
    }

    @Test
    void seededStreamsAreReproducibleAndDistinct() {
        SplittableRandom a = Sampler.random(9, 3);
        SplittableRandom b = Sampler.random(9, 3);
        SplittableRandom c = Sampler.random(9, 4);
        long[] xa = {a.nextLong(), a.nextLong()};
        assertThat(new long[] {b.nextLong(), b.nextLong()}).containsExactly(xa);
        assertThat(c.nextLong()).isNotEqualTo(xa[0]);
    }

    private static double chiSquare(long[] counts, double[] expectedProbs, int draws) {
        double chi2 = 0;
        for (int i = 0; i < expectedProbs.length; i++) {
            double expected = expectedProbs[i] * draws;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        return chi2;
    }
}
