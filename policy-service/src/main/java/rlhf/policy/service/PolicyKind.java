package rlhf.policy.service;

import java.util.Locale;

/** The kinds of model this service samples from; the reward model is served elsewhere. */
public enum PolicyKind {
    /** Pretrained language model. */
    BASE,
    /** Supervised fine-tuned policy. */
    SFT,
    /** Policy trained by PPO. */
    POLICY;

    /** Folder of the kind in the model store ({@code rlhf.wire.ModelStoreLayout}'s spelling). */
    public String storeDirectory() {
        return name().toLowerCase(Locale.ROOT);
    }
}
