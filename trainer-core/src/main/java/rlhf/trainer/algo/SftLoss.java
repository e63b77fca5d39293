package rlhf.trainer.algo;

import ai.djl.ndarray.NDArray;
import rlhf.model.Scalars;

/**
 * Supervised fine-tuning loss on answer tokens only (InstructGPT §3.5, SFT): the mean negative log-likelihood of
 * the demonstration's response tokens; prompt and padding contribute nothing.
 *
 * <pre>  L = − Σ_{b,t} m_{b,t} log π(a_{b,t} | s_{b,t}) / Σ_{b,t} m_{b,t}  </pre>
 *
 * Shape legend: B examples, R response length (padded).
 */
public final class SftLoss {

    private SftLoss() {
    }

    /**
     * @param logProbs   (B, R) log π(a_t | s_t) of the demonstration tokens
     * @param actionMask (B, R) 1 for response tokens, 0 for padding
     * @return scalar, nats per answer token
     */
    public static NDArray loss(NDArray logProbs, NDArray actionMask) {
        return logProbs.mul(actionMask).sum().neg().div(Scalars.maximum(actionMask.sum(), 1f));
    }
}
