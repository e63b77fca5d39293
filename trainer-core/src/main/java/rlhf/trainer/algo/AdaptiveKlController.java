package rlhf.trainer.algo;

/**
 * The adaptive KL controller of Ziegler et al. (arXiv:1909.08593, §2.2, eq. 2): β is raised when the measured KL
 * exceeds the target and lowered when it falls short, proportionally and with the error clipped to ±20%:
 *
 * <pre>
 *   e_t     = clip(KL_t / KL_target − 1, −0.2, 0.2)
 *   β_{t+1} = β_t · (1 + K_β · e_t),   K_β = n_steps / horizon
 * </pre>
 */
public final class AdaptiveKlController {

    private final double target;
    private final double horizon;
    private double klCoef;

    /**
     * @param initialKlCoef β_0 &gt; 0
     * @param target        KL_target in nats per response, &gt; 0
     * @param horizon       H in samples, &gt; 0 (Ziegler et al. used 10,000)
     */
    public AdaptiveKlController(double initialKlCoef, double target, double horizon) {
        if (!(initialKlCoef > 0) || !(target > 0) || !(horizon > 0)) {
            throw new IllegalArgumentException("initial klCoef, target and horizon must be > 0");
        }
        this.klCoef = initialKlCoef;
        this.target = target;
        this.horizon = horizon;
    }

    /** The current β. */
    public double klCoef() {
        return klCoef;
    }

    /**
     * @param measuredKl KL_t measured on the last batch (nats per response)
     * @param samples    n_steps: responses in that batch
     * @return the new β
     */
    public double update(double measuredKl, int samples) {
        double error = Math.max(-0.2, Math.min(0.2, measuredKl / target - 1));
        klCoef *= 1 + error * samples / horizon;
        return klCoef;
    }
}
