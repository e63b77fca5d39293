package rlhf.trainer.online;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a reward model retrained on old + new comparisons replaces the serving one: its validation accuracy may not
 * fall more than {@code maxAccuracyDrop} below the champion's, its validation ECE must be within {@code maxEce}, and it
 * must pass the frozen regression set (accuracy ≥ {@code minRegressionAccuracy}). Without a champion only the absolute
 * bounds apply. Every failed rule is a reason; all must hold to promote.
 */
public final class RewardModelGate {

    /**
     * @param maxAccuracyDrop       ε: the most validation accuracy may drop below the champion's
     * @param maxEce                the largest validation ECE accepted
     * @param minRegressionAccuracy the least accuracy on the frozen regression comparisons
     */
    public record Settings(double maxAccuracyDrop, double maxEce, double minRegressionAccuracy) {
        public Settings {
            if (maxAccuracyDrop < 0 || maxEce <= 0 || minRegressionAccuracy < 0 || minRegressionAccuracy > 1) {
                throw new IllegalArgumentException("need maxAccuracyDrop >= 0, maxEce > 0, minRegressionAccuracy in "
                        + "[0, 1]");
            }
        }
    }

    /** A reward model's measured numbers on this week's validation users and on the regression set. */
    public record Measured(String name, double validationAccuracy, double validationEce, double regressionAccuracy) {
    }

    private final Settings settings;

    public RewardModelGate(Settings settings) {
        this.settings = settings;
    }

    public GateDecision judge(Optional<Measured> champion, Measured challenger) {
        List<String> failed = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        if (champion.isPresent()) {
            Measured c = champion.get();
            double drop = c.validationAccuracy() - challenger.validationAccuracy();
            (drop > settings.maxAccuracyDrop() + 1e-12 ? failed : passed).add(String.format(Locale.ROOT,
                    "validation accuracy %.3f vs %s's %.3f (drop %.3f, allowed %.3f)", challenger.validationAccuracy(),
                    c.name(), c.validationAccuracy(), drop, settings.maxAccuracyDrop()));
        }
        (challenger.validationEce() > settings.maxEce() ? failed : passed).add(String.format(Locale.ROOT,
                "validation ECE %.3f (bound %.3f)", challenger.validationEce(), settings.maxEce()));
        (challenger.regressionAccuracy() < settings.minRegressionAccuracy() ? failed : passed).add(String.format(
                Locale.ROOT, "regression set accuracy %.3f (needs %.3f)", challenger.regressionAccuracy(),
                settings.minRegressionAccuracy()));
        return failed.isEmpty() ? new GateDecision(true, passed)
                : new GateDecision(false, prefixed(challenger.name(), failed));
    }

    private static List<String> prefixed(String name, List<String> failed) {
        List<String> out = new ArrayList<>();
        failed.forEach(f -> out.add(name + " failed: " + f));
        return out;
    }
}
