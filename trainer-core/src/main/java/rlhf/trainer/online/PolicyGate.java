package rlhf.trainer.online;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a policy retrained against the published reward model replaces the serving one: its KL to the previous
 * policy must be within {@code maxKl} (the week's step stays small), and its win rate over the previous policy on
 * held-out prompts (win 1, tie ½, loss 0) must reach {@code minWinRate} under every judge given — the new reward
 * model, and held-out human comparisons where they exist — with at least {@code minDecided} decided prompts, so a
 * week of ties does not promote by noise.
 */
public final class PolicyGate {

    /** The gate's bounds. */
    public record Settings(double maxKl, double minWinRate, long minDecided) {
        public Settings {
            if (maxKl <= 0 || minWinRate < 0 || minWinRate > 1 || minDecided < 0) {
                throw new IllegalArgumentException("need maxKl > 0, minWinRate in [0, 1], minDecided >= 0");
            }
        }
    }

    /** One judge's counts of the challenger against the previous policy. */
    public record Judged(String judge, long wins, long ties, long losses) {
        public Judged {
            if (wins < 0 || ties < 0 || losses < 0) {
                throw new IllegalArgumentException("counts must be >= 0");
            }
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
            String line = String.format(Locale.ROOT, "win rate by %s %.3f (%d / %d / %d; needs %.3f and %d decided)",
                    j.judge(), j.winRate(), j.wins(), j.ties(), j.losses(), settings.minWinRate(),
                    settings.minDecided());
            boolean ok = j.winRate() >= settings.minWinRate() && j.wins() + j.losses() >= settings.minDecided();
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
