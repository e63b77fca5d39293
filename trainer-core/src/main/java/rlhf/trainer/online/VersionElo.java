package rlhf.trainer.online;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import rlhf.trainer.algo.EloRatings;

/**
 * Elo ratings of model versions from human comparisons: every pair of answers of one comparison written by two
 * different versions is a game (the better tier wins; the same tier is a draw), fitted with {@link EloRatings}
 * (Bradley–Terry) with the anchor version at 1000; 95% intervals from a bootstrap over comparisons (a comparison's
 * games stay together, as they share a prompt and a labeler).
 */
public final class VersionElo {

    /** A version's rating, its bootstrap 2.5% / 97.5% quantiles and the games it played. */
    public record Rating(String version, double elo, double low, double high, long games) {
    }

    private VersionElo() {
    }

    /** The games of one comparison. */
    static List<EloRatings.Result> games(HumanComparison c) {
        List<EloRatings.Result> games = new ArrayList<>();
        int[] tier = c.tierOf();
        for (int i = 0; i < c.answers().size(); i++) {
            for (int j = i + 1; j < c.answers().size(); j++) {
                String a = c.models().get(i);
                String b = c.models().get(j);
                if (a.isEmpty() || b.isEmpty() || a.equals(b)) {
                    continue;
                }
                double score = tier[i] < tier[j] ? 1 : tier[i] > tier[j] ? 0 : 0.5;
                games.add(new EloRatings.Result(a, b, score));
            }
        }
        return games;
    }

    /**
     * @param anchor the version rated 1000 (e.g. {@code sft/v1}); absent from the games: the first version by name
     * @param rounds bootstrap resamples (0: no intervals, low = high = the rating)
     */
    public static List<Rating> of(List<HumanComparison> comparisons, String anchor, int rounds, long seed) {
        List<List<EloRatings.Result>> byComparison = comparisons.stream().map(VersionElo::games)
                .filter(g -> !g.isEmpty()).toList();
        TreeSet<String> names = new TreeSet<>();
        byComparison.forEach(g -> g.forEach(r -> {
            names.add(r.a());
            names.add(r.b());
        }));
        if (names.isEmpty()) {
            return List.of();
        }
        List<String> players = new ArrayList<>();
        players.add(names.contains(anchor) ? anchor : names.first());
        names.stream().filter(n -> !n.equals(players.get(0))).forEach(players::add);
        Map<String, Double> fit = EloRatings.fit(players, flatten(byComparison), 1000);
        double[][] samples = new double[players.size()][rounds];
        Random random = new Random(seed);
        for (int r = 0; r < rounds; r++) {
            List<List<EloRatings.Result>> resample = new ArrayList<>();
            for (int k = 0; k < byComparison.size(); k++) {
                resample.add(byComparison.get(random.nextInt(byComparison.size())));
            }
            Map<String, Double> ratings = EloRatings.fit(players, flatten(resample), 1000);
            for (int p = 0; p < players.size(); p++) {
                samples[p][r] = ratings.get(players.get(p));
            }
        }
        List<Rating> out = new ArrayList<>();
        for (int p = 0; p < players.size(); p++) {
            String name = players.get(p);
            long games = byComparison.stream().flatMap(List::stream)
                    .filter(g -> g.a().equals(name) || g.b().equals(name)).count();
            double[] s = samples[p];
            Arrays.sort(s);
            double elo = fit.get(name);
            out.add(new Rating(name, elo, rounds == 0 ? elo : quantile(s, 0.025), rounds == 0 ? elo
                    : quantile(s, 0.975), games));
        }
        return out;
    }

    private static List<EloRatings.Result> flatten(List<List<EloRatings.Result>> games) {
        List<EloRatings.Result> all = new ArrayList<>();
        games.forEach(all::addAll);
        return all;
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
