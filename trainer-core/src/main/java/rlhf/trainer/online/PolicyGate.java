package rlhf.trainer.online;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a policy retrained against the published reward model replaces the serving one: its KL to the previous
 * policy must be within {@code maxKl} (the week's step stays small), and its win rate over the previous policy on
 * held-out prompts (win 1, tie ½, loss 0) must reach {@code minWinRate} under every judge given — the new reward
 * model, and held-out human comparisons where they exist — with at least {@code minDecided} decided prompts, so a
 * week of ties does not promote by noise; and the 95% Wilson lower bound of its decided share W/(W+L) must reach
 * {@code minDecidedLower}, so a handful of wins over a handful of losses (16 to 10 of 200 prompts: lower bound 0.43)
 * does not replace a policy the candidate is not shown to beat.
 */
public final class PolicyGate {

    /** The gate's bounds. */
    public record Settings(double maxKl, double minWinRate, long minDecided, double minDecidedLower) {
        public Settings {
            if (maxKl <= 0 || minWinRate < 0 || minWinRate > 1 || minDecided < 0 || minDecidedLower < 0
                    || minDecidedLower > 1) {
                throw new IllegalArgumentException("need maxKl > 0, minWinRate and minDecidedLower in [0, 1], "
                        + "minDecided >= 0");
            }
        }

        /** Without the decided-share bound. */
        public Settings(double maxKl, double minWinRate, long minDecided) {
            this(maxKl, minWinRate, minDecided, 0);
        }
    }

    /** One judge's counts of the challenger against the previous policy. */
    public record Judged(String judge, long wins, long ties, long losses) {
        public Judged {
            if (wins < 0 || ties < 0 || losses < 0) {
                throw new IllegalArgumentException("counts must be >= 0");
            }
        }

        /** The 95% Wilson interval of W / (W + L); NaN when nothing was decided. */
        public double[] decidedInterval() {
            return rlhf.trainer.algo.WilsonInterval.of(wins, wins + losses);
        }

        /** (W + T/2) / (W + T + L); 0.5 when nothing was judged. */
        public double winRate() {
            long n = wins + ties + losses;
            return n == 0 ? 0.5 : (wins + 0.5 * ties) / n;
        }
    }

    private final Settings settings;

    public PolicyGate(Settings settings) {
        this.settings = settings;
    }

    public GateDecision judge(String challenger, double klToPrevious, List<Judged> judges) {
        if (judges.isEmpty()) {
            throw new IllegalArgumentException("at least one judge");
        }
        List<String> failed = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        (klToPrevious > settings.maxKl() ? failed : passed).add(String.format(Locale.ROOT,
                "KL to the previous policy %.3f nats (bound %.3f)", klToPrevious, settings.maxKl()));
        for (Judged j : judges) {
            double[] decided = j.decidedInterval();
            String line = String.format(Locale.ROOT, "win rate by %s %.3f (%d / %d / %d; needs %.3f and %d decided)",
                    j.judge(), j.winRate(), j.wins(), j.ties(), j.losses(), settings.minWinRate(),
                    settings.minDecided());
            if (settings.minDecidedLower() > 0) {
                line += String.format(Locale.ROOT, ", decided share %.3f [%.3f, %.3f] (lower bound needs %.3f)",
                        (double) j.wins() / Math.max(1, j.wins() + j.losses()), decided[0], decided[1],
                        settings.minDecidedLower());
            }
            boolean ok = j.winRate() >= settings.minWinRate() && j.wins() + j.losses() >= settings.minDecided()
                    && (settings.minDecidedLower() <= 0 || decided[0] >= settings.minDecidedLower());
            (ok ? passed : failed).add(line);
        }
        if (failed.isEmpty()) {
            return new GateDecision(true, passed);
        }
        List<String> reasons = new ArrayList<>();
        failed.forEach(f -> reasons.add(challenger + " failed: " + f));
        return new GateDecision(false, reasons);
    }
}
