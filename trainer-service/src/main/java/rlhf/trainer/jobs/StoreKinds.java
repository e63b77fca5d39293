package rlhf.trainer.jobs;

import rlhf.common.v1.ModelKind;
import rlhf.wire.ModelStoreLayout;

/** The model-store folders the jobs read and write, named by the contract ({@link ModelStoreLayout}). */
public final class StoreKinds {

    public static final String BASE = ModelStoreLayout.kindDirectory(ModelKind.MODEL_KIND_BASE);
    public static final String SFT = ModelStoreLayout.kindDirectory(ModelKind.MODEL_KIND_SFT);
    public static final String REWARD = ModelStoreLayout.kindDirectory(ModelKind.MODEL_KIND_REWARD);
    public static final String POLICY = ModelStoreLayout.kindDirectory(ModelKind.MODEL_KIND_POLICY);

    private StoreKinds() {
    }
}
