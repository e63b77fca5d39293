package rlhf.policy.mapping;

import java.util.Optional;

import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.policy.service.ModelId;
import rlhf.policy.service.PolicyKind;
import rlhf.service.InvalidInputException;

/** Model kinds and references between the contract and the service. */
public final class ModelRefs {

    private ModelRefs() {
    }

    /** The policy-like kind of a contract kind; empty for UNSPECIFIED, REWARD and unknown values. */
    public static Optional<PolicyKind> policyKind(ModelKind kind) {
        return switch (kind) {
            case MODEL_KIND_BASE -> Optional.of(PolicyKind.BASE);
            case MODEL_KIND_SFT -> Optional.of(PolicyKind.SFT);
            case MODEL_KIND_POLICY -> Optional.of(PolicyKind.POLICY);
            default -> Optional.empty();
        };
    }

    public static ModelKind toProto(PolicyKind kind) {
        return switch (kind) {
            case BASE -> ModelKind.MODEL_KIND_BASE;
            case SFT -> ModelKind.MODEL_KIND_SFT;
            case POLICY -> ModelKind.MODEL_KIND_POLICY;
        };
    }

    public static ModelRef toProto(ModelId id) {
        return ModelRef.newBuilder().setKind(toProto(id.kind())).setVersion(id.version()).build();
    }

    /** A request's model: empty (the served version) when unset or {kind unspecified, version 0}. */
    public static Optional<ModelId> requested(boolean present, ModelRef ref) {
        if (!present || ref.getKind() == ModelKind.MODEL_KIND_UNSPECIFIED && ref.getVersion() == 0) {
            return Optional.empty();
        }
        if (ref.getKind() == ModelKind.MODEL_KIND_UNSPECIFIED) {
            throw new InvalidInputException("model.kind", "required when model.version is set");
        }
        PolicyKind kind = policyKind(ref.getKind()).orElseThrow(() -> new InvalidInputException("model.kind",
                ref.getKind() + " is not served here (base, SFT or policy only)"));
        return Optional.of(new ModelId(kind, ref.getVersion()));
    }
}
