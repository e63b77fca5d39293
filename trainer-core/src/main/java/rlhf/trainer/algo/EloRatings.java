package rlhf.trainer.algo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Elo ratings of model versions from pairwise results (hh-rlhf, arXiv:2204.05862, reports policies by Elo from
 * human comparisons). Ratings are the maximum-likelihood Bradley–Terry strengths (fitted by Hunter's MM algorithm,
 * order-independent, unlike sequential Elo updates) on the Elo scale:
 *
 * <pre>
 *   P(i beats j) = 1 / (1 + 10^((R_j − R_i) / 400)),   ties count half a win to each side
 * </pre>
 *
 * Ratings are shifted so that the first-named player (e.g. the SFT policy) has {@code anchor}.
 */
public final class EloRatings {

    /** One comparison: the winner's and loser's names, or a tie. */
    public record Result(String a, String b, double scoreA) {
        public Result {
            if (scoreA != 0 && scoreA != 0.5 && scoreA != 1) {
                throw new IllegalArgumentException("scoreA must be 0, 0.5 or 1");
            }
        }
    }

    private EloRatings() {
    }

    /**
     * @param players names; the first is the anchor
     * @param results pairwise results among them
     * @param anchor  rating given to the first player (e.g. 1000)
     */
    public static Map<String, Double> fit(List<String> players, List<Result> results, double anchor) {
        int n = players.size();
        Map<String, Integer> index = new LinkedHashMap<>();
        players.forEach(p -> index.put(p, index.size()));
        double[] wins = new double[n];
        double[][] games = new double[n][n];
        for (Result r : results) {
            int i = require(index, r.a());
            int j = require(index, r.b());
            wins[i] += r.scoreA();
            wins[j] += 1 - r.scoreA();
            games[i][j]++;
            games[j][i]++;
        }
        // A tiny prior (half a win and half a loss against a virtual equal opponent) keeps strengths finite when
        // a player won or lost every game.
        double[] strength = new double[n];
        java.util.Arrays.fill(strength, 1.0);
        for (int iter = 0; iter < 10_000; iter++) {
            double maxChange = 0;
            for (int i = 0; i < n; i++) {
                double denominator = 1.0 / (strength[i] + 1.0); // the virtual opponent, strength 1
                for (int j = 0; j < n; j++) {
                    if (games[i][j] > 0) {
                        denominator += games[i][j] / (strength[i] + strength[j]);
                    }
                }
                double updated = (wins[i] + 0.5) / denominator;
                maxChange = Math.max(maxChange, Math.abs(Math.log(updated / strength[i])));
                strength[i] = updated;
            }
            if (maxChange < 1e-10) {
                break;
            }
        }
        Map<String, Double> ratings = new LinkedHashMap<>();
        double base = 400 * Math.log10(strength[0]);
        for (int i = 0; i < n; i++) {
            ratings.put(players.get(i), anchor + 400 * Math.log10(strength[i]) - base);
        }
        return ratings;
    }

    /** Expected score of a player rated {@code ra} against one rated {@code rb}. */
    public static double expectedScore(double ra, double rb) {
        return 1 / (1 + Math.pow(10, (rb - ra) / 400));
    }

    private static int require(Map<String, Integer> index, String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("results name an unknown player: " + name);
        }
        return i;
    }

    /** All results of a head-to-head with {@code wins}, {@code ties} and {@code losses} of a against b. */
    public static List<Result> headToHead(String a, String b, int wins, int ties, int losses) {
        List<Result> r = new ArrayList<>();
        for (int i = 0; i < wins; i++) {
            r.add(new Result(a, b, 1));
        }
        for (int i = 0; i < ties; i++) {
            r.add(new Result(a, b, 0.5));
        }
        for (int i = 0; i < losses; i++) {
            r.add(new Result(a, b, 0));
        }
        return r;
    }
}
