package rlhf.trainer.online;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Agreement of labelers on the tasks two (or more) of them ranked — the same prompt and the same answers:
 * <ul>
 * <li>pairwise agreement: over every pair of answers, the share where two labelers give the same relation (better,
 * tied, worse) — InstructGPT reports about 73% between its labelers;</li>
 * <li>Krippendorff's α on the Likert scores (interval metric) over the answers both rated:
 * α = 1 − D<sub>o</sub> / D<sub>e</sub>, D<sub>o</sub> = (1/n) Σ<sub>u</sub> Σ<sub>i≠j</sub> (v<sub>i</sub> −
 * v<sub>j</sub>)² / (m<sub>u</sub> − 1), D<sub>e</sub> = Σ<sub>i≠j</sub> (v<sub>i</sub> − v<sub>j</sub>)² / (n(n − 1))
 * over all n pairable values;</li>
 * <li>per labeler, its pairwise agreement with the others; a labeler more than {@code margin} below the agreement
 * of the others among themselves is flagged.</li>
 * </ul>
 */
public final class LabelerAgreement {

    /**
     * @param tasks             tasks ranked by at least two labelers
     * @param pairwise          overall pairwise agreement (NaN without such tasks)
     * @param likertAlpha       Krippendorff's α on Likert (NaN when undefined)
     * @param perLabeler        each labeler's pairwise agreement with the others
     * @param flagged           labelers far below the rest
     */
    public record Report(int tasks, double pairwise, double likertAlpha, Map<String, Double> perLabeler,
            List<String> flagged) {
    }

    private LabelerAgreement() {
    }

    public static Report of(List<HumanComparison> comparisons, double margin) {
        Map<String, List<HumanComparison>> byTask = new LinkedHashMap<>();
        for (HumanComparison c : comparisons) {
            if (!c.labelerId().isEmpty()) {
                byTask.computeIfAbsent(c.prompt() + "\u0000" + String.join("\u0000", c.answers()),
                        k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, long[]> perLabeler = new TreeMap<>(); // agreements, pairs
        Map<String, Map<String, long[]>> perPair = new TreeMap<>();
        long agree = 0;
        long pairs = 0;
        int tasks = 0;
        List<List<Integer>> units = new ArrayList<>();
        for (List<HumanComparison> task : byTask.values()) {
            if (task.stream().map(HumanComparison::labelerId).distinct().count() < 2) {
                continue;
            }
            tasks++;
            for (int x = 0; x < task.size(); x++) {
                for (int y = x + 1; y < task.size(); y++) {
                    HumanComparison a = task.get(x);
                    HumanComparison b = task.get(y);
                    if (a.labelerId().equals(b.labelerId())) {
                        continue;
                    }
                    long[] counts = agreement(a, b);
                    agree += counts[0];
                    pairs += counts[1];
                    for (String labeler : new String[] {a.labelerId(), b.labelerId()}) {
                        long[] l = perLabeler.computeIfAbsent(labeler, k -> new long[2]);
                        l[0] += counts[0];
                        l[1] += counts[1];
                    }
                    String low = a.labelerId().compareTo(b.labelerId()) < 0 ? a.labelerId() : b.labelerId();
                    String high = low.equals(a.labelerId()) ? b.labelerId() : a.labelerId();
                    long[] p = perPair.computeIfAbsent(low, k -> new TreeMap<>()).computeIfAbsent(high,
                            k -> new long[2]);
                    p[0] += counts[0];
                    p[1] += counts[1];
                }
            }
            for (int i = 0; i < task.get(0).answers().size(); i++) {
                List<Integer> unit = new ArrayList<>();
                for (HumanComparison c : task) {
                    int answer = i;
                    c.likertOf(answer).ifPresent(unit::add);
                }
                if (unit.size() >= 2) {
                    units.add(unit);
                }
            }
        }
        Map<String, Double> rates = new TreeMap<>();
        perLabeler.forEach((l, c) -> rates.put(l, c[1] == 0 ? Double.NaN : (double) c[0] / c[1]));
        List<String> flagged = new ArrayList<>();
        for (String labeler : rates.keySet()) {
            long[] others = {0, 0};
            perPair.forEach((x, row) -> row.forEach((y, c) -> {
                if (!x.equals(labeler) && !y.equals(labeler)) {
                    others[0] += c[0];
                    others[1] += c[1];
                }
            }));
            if (others[1] > 0 && rates.get(labeler) < (double) others[0] / others[1] - margin) {
                flagged.add(labeler);
            }
        }
        return new Report(tasks, pairs == 0 ? Double.NaN : (double) agree / pairs, alpha(units), rates, flagged);
    }

    /** Agreements and pairs of answers between two labelers' rankings of the same answers. */
    static long[] agreement(HumanComparison a, HumanComparison b) {
        int[] ta = a.tierOf();
        int[] tb = b.tierOf();
        long agree = 0;
        long pairs = 0;
        for (int i = 0; i < ta.length; i++) {
            for (int j = i + 1; j < ta.length; j++) {
                pairs++;
                if (Integer.signum(ta[i] - ta[j]) == Integer.signum(tb[i] - tb[j])) {
                    agree++;
                }
            }
        }
        return new long[] {agree, pairs};
    }

    /** Krippendorff's α, interval metric, over units of ≥ 2 values. */
    static double alpha(List<List<Integer>> units) {
        List<Integer> all = new ArrayList<>();
        double observed = 0;
        for (List<Integer> unit : units) {
            double sum = 0;
            for (int i = 0; i < unit.size(); i++) {
                for (int j = 0; j < unit.size(); j++) {
                    if (i != j) {
                        double d = unit.get(i) - unit.get(j);
                        sum += d * d;
                    }
                }
            }
            observed += sum / (unit.size() - 1);
            all.addAll(unit);
        }
        int n = all.size();
        if (n < 2) {
            return Double.NaN;
        }
        double expected = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    double d = all.get(i) - all.get(j);
                    expected += d * d;
                }
            }
        }
        double dObserved = observed / n;
        double dExpected = expected / ((double) n * (n - 1));
        return dExpected == 0 ? Double.NaN : 1 - dObserved / dExpected;
    }
}
