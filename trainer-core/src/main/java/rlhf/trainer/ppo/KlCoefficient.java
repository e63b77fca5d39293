package rlhf.trainer.ppo;

import rlhf.trainer.algo.AdaptiveKlController;

/**
 * The KL coefficient of the shaped reward across iterations: adaptive towards a target KL (Ziegler et al.,
 * {@link AdaptiveKlController}) or fixed.
 */
public final class KlCoefficient {

    private final AdaptiveKlController controller;
    private final double fixed;

    private KlCoefficient(AdaptiveKlController controller, double fixed) {
        this.controller = controller;
        this.fixed = fixed;
    }

    /** Adaptive from {@code initial} towards {@code targetKl} nats per response over {@code horizon} samples. */
    public static KlCoefficient adaptive(double initial, double targetKl, double horizon) {
        return new KlCoefficient(new AdaptiveKlController(initial, targetKl, horizon), initial);
    }

    public static KlCoefficient fixed(double klCoef) {
        return new KlCoefficient(null, klCoef);
    }

    public double klCoef() {
        return controller == null ? fixed : controller.klCoef();
    }

    /** After an iteration with mean KL {@code measuredKl} over {@code samples} responses; returns the next klCoef. */
    public double update(double measuredKl, int samples) {
        return controller == null ? fixed : controller.update(measuredKl, samples);
    }
}
