package rlhf.wire;

import java.util.Locale;

import rlhf.common.v1.ModelKind;

/**
 * The model store's layout, part of the contract: {@code <store>/<kind>/v<N>/{config.json, weights.safetensors,
 * tokenizer.json, manifest.json}} where {@code <kind>} is the lower-case name of the {@link ModelKind}
 * ({@code base}, {@code sft}, {@code reward}, {@code policy}).
 */
public final class ModelStoreLayout {

    /** The folder of base (pretrained) models. */
    public static final String BASE = kindDirectory(ModelKind.MODEL_KIND_BASE);
    /** The folder of supervised fine-tuned models (PPO's frozen reference). */
    public static final String SFT = kindDirectory(ModelKind.MODEL_KIND_SFT);
    /** The folder of reward models. */
    public static final String REWARD = kindDirectory(ModelKind.MODEL_KIND_REWARD);
    /** The folder of PPO policies. */
    public static final String POLICY = kindDirectory(ModelKind.MODEL_KIND_POLICY);

    private ModelStoreLayout() {
    }

    /** The folder name of a kind, e.g. {@code reward} for MODEL_KIND_REWARD. */
    public static String kindDirectory(ModelKind kind) {
        if (kind == ModelKind.MODEL_KIND_UNSPECIFIED || kind == ModelKind.UNRECOGNIZED) {
            throw new IllegalArgumentException("kind: must be a concrete model kind, was " + kind);
        }
        return kind.name().substring("MODEL_KIND_".length()).toLowerCase(Locale.ROOT);
    }

    /** The kind of a folder name; IllegalArgumentException for an unknown name. */
    public static ModelKind kindOf(String directory) {
        for (ModelKind k : ModelKind.values()) {
            if (k != ModelKind.MODEL_KIND_UNSPECIFIED && k != ModelKind.UNRECOGNIZED && kindDirectory(k).equals(directory)) {
                return k;
            }
        }
        throw new IllegalArgumentException("kind: unknown model store folder '" + directory + "'");
    }
}
