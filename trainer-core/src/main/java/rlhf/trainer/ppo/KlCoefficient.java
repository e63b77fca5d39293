package rlhf.trainer.ppo;

import rlhf.trainer.algo.AdaptiveKlController;

/**
 * The KL coefficient β of the shaped reward across iterations: fixed, or adaptive towards a target KL (Ziegler et al.,
 * {@link AdaptiveKlController}) measured per response or per response token. A per-response target must suit the
 * answers' length: the task world's answers are 2–12 tokens, so a target of a few nats per answer is never reached and
 * an adaptive β only decays; a per-token target reads the same way at any length.
 */
public final class KlCoefficient {

    /** Which KL the adaptive target is in. */
    public enum Unit {
        /** Σ_t k1 of a response (nats per answer). */
        PER_RESPONSE,
        /** Σ_t k1 / T (nats per answer token). */
        PER_TOKEN
    }

    private final AdaptiveKlController controller;
    private final Unit unit;
    private final double fixed;

    private KlCoefficient(AdaptiveKlController controller, Unit unit, double fixed) {
        this.controller = controller;
        this.unit = unit;
        this.fixed = fixed;
    }

    /** Adaptive from {@code initial} towards {@code targetKl} (in {@code unit}) over {@code horizon} samples. */
    public static KlCoefficient adaptive(double initial, double targetKl, Unit unit, double horizon) {
        return new KlCoefficient(new AdaptiveKlController(initial, targetKl, horizon), unit, initial);
    }

    public static KlCoefficient fixed(double klCoef) {
        return new KlCoefficient(null, Unit.PER_RESPONSE, klCoef);
    }

    public double klCoef() {
        return controller == null ? fixed : controller.klCoef();
    }

    /** After an iteration that measured {@code stats} over {@code samples} responses; returns the next β. */
    public double update(Experience.Stats stats, int samples) {
        if (controller == null) {
            return fixed;
        }
        return controller.update(unit == Unit.PER_TOKEN ? stats.klPerToken() : stats.klMean(), samples);
    }
}
